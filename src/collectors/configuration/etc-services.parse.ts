import { contentLines } from './common.js';

type OnBad = (line: number, reason: string) => void;

export interface ServiceEntry {
  name: string;
  port: number;
  protocol: string;
  aliases: string;
}

/** Parses services(5): `name port/protocol [aliases…]`. */
export function parseServices(text: string, onBad?: OnBad): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const { line, text: t } of contentLines(text)) {
    const [name, portProto, ...aliases] = t.split(/\s+/);
    const m = /^(\d{1,5})\/([A-Za-z0-9-]+)$/.exec(portProto ?? '');
    if (!name || !m || Number(m[1]) > 65535) {
      onBad?.(line, 'expected "name port/protocol"');
      continue;
    }
    out.push({ name, port: Number(m[1]), protocol: m[2]!.toLowerCase(), aliases: aliases.join(' ') });
  }
  return out;
}

export interface ProtocolEntry {
  name: string;
  number: number;
  aliases: string;
}

/** Parses protocols(5): `name number [aliases…]`. Numbers above 255 exist (Linux lists mptcp 262). */
export function parseProtocols(text: string, onBad?: OnBad): ProtocolEntry[] {
  const out: ProtocolEntry[] = [];
  for (const { line, text: t } of contentLines(text)) {
    const [name, num, ...aliases] = t.split(/\s+/);
    if (!name || !/^\d{1,5}$/.test(num ?? '') || Number(num) > 65535) {
      onBad?.(line, 'expected "name number"');
      continue;
    }
    out.push({ name, number: Number(num), aliases: aliases.join(' ') });
  }
  return out;
}

/** Parses shells(5): one absolute path per line. */
export function parseShells(text: string, onBad?: OnBad): string[] {
  const out: string[] = [];
  for (const { line, text: t } of contentLines(text)) {
    if (!t.startsWith('/') || /\s/.test(t)) onBad?.(line, 'expected an absolute path');
    else out.push(t);
  }
  return out;
}
