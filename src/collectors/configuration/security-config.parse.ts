import { contentLines } from './common.js';

type OnBad = (line: number, reason: string) => void;

export interface AccessRule {
  permission: '+' | '-';
  users: string;
  origins: string;
}

/** Parses access.conf(5): `permission : users/groups : origins`. */
export function parseAccessConf(text: string, onBad?: OnBad): AccessRule[] {
  const out: AccessRule[] = [];
  for (const { line, text: t } of contentLines(text)) {
    const f = t.split(':');
    // origins may hold IPv6 addresses with ":"; everything after the second ":" belongs to them
    if (f.length < 3 || (f[0]!.trim() !== '+' && f[0]!.trim() !== '-')) {
      onBad?.(line, 'expected "+|- : users : origins"');
      continue;
    }
    out.push({ permission: f[0]!.trim() as '+' | '-', users: f[1]!.trim().replace(/\s+/g, ' '), origins: f.slice(2).join(':').trim().replace(/\s+/g, ' ') });
  }
  return out;
}

/** Parses pwquality.conf(5): `key = value`, bare keys (`enforce_for_root`) are 1. */
export function parsePwquality(text: string, onBad?: OnBad): Map<string, string> {
  const out = new Map<string, string>();
  for (const { line, text: t } of contentLines(text)) {
    const m = /^([a-z_]+)\s*(?:=\s*(.*))?$/.exec(t);
    if (!m) {
      onBad?.(line, 'expected "key = value"');
      continue;
    }
    out.set(m[1]!, m[2] === undefined ? '1' : m[2]!.trim());
  }
  return out;
}
