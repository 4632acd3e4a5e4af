import { numberedLines } from './common.js';

/** crypt(5) prefixes. */
const PREFIX_ALGORITHMS: [string, string][] = [
  ['$1$', 'md5'],
  ['$2a$', 'bcrypt'],
  ['$2b$', 'bcrypt'],
  ['$2x$', 'bcrypt'],
  ['$2y$', 'bcrypt'],
  ['$5$', 'sha256'],
  ['$6$', 'sha512'],
  ['$7$', 'scrypt'],
  ['$y$', 'yescrypt'],
  ['$gy$', 'gost-yescrypt'],
  ['$sha1$', 'sha1crypt'],
  ['$md5', 'sunmd5'],
  ['$3$', 'nthash'],
];

/** The hash algorithm of a crypt(3) string; never returns any part of the hash. */
export function hashAlgorithm(hash: string): string {
  if (hash === '') return 'none';
  for (const [prefix, name] of PREFIX_ALGORITHMS) if (hash.startsWith(prefix)) return name;
  if (/^[./0-9A-Za-z]{13}$/.test(hash)) return 'des';
  if (/^_[./0-9A-Za-z]{19}$/.test(hash)) return 'bsdi-des';
  return 'unknown';
}

export type PasswordState = 'set' | 'empty' | 'locked';

/**
 * One shadow(5) entry without the hash: only what can be said about it.
 * Day counts stay days; dates (days since the epoch) become Unix seconds; empty fields are null.
 */
export interface ShadowEntry {
  name: string;
  state: PasswordState;
  algorithm: string;
  /** `!` or `*` in front of the field (passwd -l, or no password ever set). */
  lockMarker: string;
  lastChangeSeconds: number | null;
  /** Last change 0 = the user must change the password at next login. */
  mustChange: boolean;
  minDays: number | null;
  maxDays: number | null;
  warnDays: number | null;
  inactiveDays: number | null;
  expireSeconds: number | null;
}

const DAY = 86_400;

function optionalInt(field: string): number | null | undefined {
  if (field === '') return null;
  if (!/^-?\d+$/.test(field)) return undefined;
  const n = Number(field);
  return n < 0 ? null : n; // -1 is how some tools write "not set"
}

/** Parses shadow(5). The second field is classified and then forgotten. */
export function parseShadow(text: string, onBad?: (line: number, reason: string) => void): ShadowEntry[] {
  const out: ShadowEntry[] = [];
  for (const [n, line] of numberedLines(text)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    // Nine fields; the last (reserved) may be missing in hand-written files.
    if (f.length !== 9 && f.length !== 8) {
      onBad?.(n, `expected 9 fields, got ${f.length}`);
      continue;
    }
    if (!f[0]) {
      onBad?.(n, 'empty name');
      continue;
    }
    const nums = [f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7]!].map(optionalInt);
    if (nums.some((v) => v === undefined)) {
      onBad?.(n, 'a date or day-count field is not a number');
      continue;
    }
    const [lastChange, min, max, warn, inactive, expire] = nums as (number | null)[];
    const field = f[1]!;
    const marker = /^[!*]+/.exec(field)?.[0] ?? '';
    const rest = field.slice(marker.length);
    out.push({
      name: f[0],
      state: marker ? 'locked' : field === '' ? 'empty' : 'set',
      algorithm: hashAlgorithm(rest),
      lockMarker: marker,
      lastChangeSeconds: lastChange === null || lastChange === 0 ? null : lastChange! * DAY,
      mustChange: lastChange === 0,
      minDays: min ?? null,
      maxDays: max ?? null,
      warnDays: warn ?? null,
      inactiveDays: inactive ?? null,
      expireSeconds: expire === null ? null : expire! * DAY,
    });
  }
  return out;
}
