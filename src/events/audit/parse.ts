/** Pure parsing of Linux audit records (auditd's raw and enriched formats). */
import { redactArgv, REDACT_INPUT_CAP } from '../../util/redact.js';

export interface AuditRecord {
  type: string;
  /** Event time in ms since the epoch. */
  time: number;
  serial: number;
  /** Raw fields; a nested `msg='…'` (user-space records) is merged in. */
  fields: Record<string, string>;
  /** Enriched fields after the 0x1d separator (UID="root" …). */
  enriched: Record<string, string>;
  /** The record's text after the header (without the enriched part), for SELinux's `{ perms }`. */
  raw: string;
}

const HEADER = /^(?:node=\S+ )?type=(\S+) msg=audit\((\d+)\.(\d{3}):(\d+)\):\s?(.*)$/s;
const FIELD = /([A-Za-z0-9_[\]-]+)=("[^"]*"|'[^']*'|\{[^}]*\}|\S+)/g;

function unquote(v: string): string {
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

export function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(FIELD)) {
    const key = m[1]!;
    const raw = m[2]!;
    if (key === 'msg' && raw.startsWith("'")) {
      Object.assign(out, parseFields(raw.slice(1, -1)));
      continue;
    }
    if (!(key in out)) out[key] = unquote(raw);
  }
  return out;
}

/** Parses one audit.log line; null for anything that is not an audit record (garbage, half lines). */
export function parseAuditLine(line: string): AuditRecord | null {
  const m = HEADER.exec(line.trimEnd());
  if (!m) return null;
  const body = m[5]!;
  const gs = body.indexOf('\x1d');
  const raw = gs >= 0 ? body.slice(0, gs) : body;
  const enriched = gs >= 0 ? parseFields(body.slice(gs + 1)) : {};
  return {
    type: m[1]!,
    time: Number(m[2]) * 1000 + Number(m[3]),
    serial: Number(m[4]),
    fields: parseFields(raw),
    enriched,
    raw,
  };
}

/** Decodes audit's hex encoding of values with spaces or special characters; plain values pass through. */
export function decodeAuditValue(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.length >= 2 && v.length % 2 === 0 && /^[0-9A-F]+$/.test(v)) {
    const b = Buffer.from(v, 'hex');
    // Arguments are NUL-separated in proctitle; show them with spaces.
    return b.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  }
  return v;
}

/** Audit's "unset" ids (-1 as u32) and placeholders mean "no value". */
export function auditId(v: string | undefined): number | undefined {
  if (v === undefined || v === '4294967295' || v === '-1' || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export function auditString(v: string | undefined): string | undefined {
  if (v === undefined || v === '?' || v === '(null)' || v === '(none)' || v === '') return undefined;
  return v;
}

export interface SockAddr {
  family: 'inet' | 'inet6' | 'unix' | 'other';
  address?: string;
  port?: number;
}

/** Decodes SOCKADDR saddr (hex struct sockaddr). */
export function decodeSockaddr(hex: string | undefined): SockAddr | null {
  if (!hex || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length < 4) return null;
  const b = Buffer.from(hex, 'hex');
  const fam = b.readUInt16LE(0);
  if (fam === 2 && b.length >= 8) return { family: 'inet', port: b.readUInt16BE(2), address: [...b.subarray(4, 8)].join('.') };
  if (fam === 10 && b.length >= 24) {
    const parts: string[] = [];
    for (let i = 8; i < 24; i += 2) parts.push(b.readUInt16BE(i).toString(16));
    return { family: 'inet6', port: b.readUInt16BE(2), address: compressIpv6(parts) };
  }
  if (fam === 1) {
    const p = b.subarray(2);
    const end = p.indexOf(0);
    const name = (end >= 0 ? p.subarray(0, end) : p).toString('utf8');
    return { family: 'unix', address: name || '@abstract' };
  }
  return { family: 'other' };
}

function compressIpv6(parts: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < parts.length; ) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < parts.length && parts[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}

/** Arguments of an EXECVE record, decoded (a0, a1, and split `a2[0]` pieces for long ones). */
export function execveArgs(fields: Record<string, string>): string[] {
  const argc = Number(fields.argc ?? 0);
  const args: string[] = [];
  for (let i = 0; i < Math.min(argc, 1024); i++) {
    let v = fields[`a${i}`];
    if (v === undefined) {
      const pieces: string[] = [];
      for (let j = 0; fields[`a${i}[${j}]`] !== undefined; j++) pieces.push(fields[`a${i}[${j}]`]!);
      if (pieces.length === 0) break;
      v = pieces.join('');
    }
    args.push(decodeAuditValue(v) ?? '');
  }
  return args;
}

/**
 * Command-line arguments are evidence, but some carry secrets (`--password=x`, `mysql -pX`,
 * `Authorization: Bearer …`, `https://user:pass@host`): those values are replaced (src/util/redact.ts),
 * then long arguments are cut.
 */
export function redactArgs(args: string[], maxArgs = 64, maxArgLen = 256): string[] {
  const kept = args.slice(0, maxArgs);
  // A secret cut in half would no longer be recognised: redact whole arguments, then cut.
  const out = redactArgv(kept.map((a) => (a.length > REDACT_INPUT_CAP ? a.slice(0, REDACT_INPUT_CAP) : a))).map((v) => (v.length > maxArgLen ? v.slice(0, maxArgLen) + '…' : v));
  if (args.length > maxArgs) out.push(`… ${args.length - maxArgs} more`);
  return out;
}

const SYSCALL_NAMES: Record<string, string> = {
  '0': 'read', '1': 'write', '2': 'open', '41': 'socket', '42': 'connect', '43': 'accept', '49': 'bind', '50': 'listen',
  '59': 'execve', '82': 'rename', '83': 'mkdir', '84': 'rmdir', '86': 'link', '87': 'unlink', '88': 'symlink', '90': 'chmod',
  '92': 'chown', '257': 'openat', '263': 'unlinkat', '264': 'renameat', '288': 'accept4', '316': 'renameat2', '322': 'execveat',
};

/** x86_64 syscall names for the numbers the events use (the enriched SYSCALL= field wins when present). */
export function syscallName(rec: AuditRecord): string | undefined {
  return rec.enriched.SYSCALL ?? SYSCALL_NAMES[rec.fields.syscall ?? ''];
}
