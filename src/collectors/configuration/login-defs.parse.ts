import { contentLines } from './common.js';

/** Parses login.defs(5): `KEY value` lines, `#` comments. Keys upper-case; later duplicates win. */
export function parseLoginDefs(text: string, onBad?: (line: number, reason: string) => void): Map<string, string> {
  const out = new Map<string, string>();
  for (const { line, text: t } of contentLines(text)) {
    const m = /^([A-Z][A-Z0-9_]*)\s+(.*)$/.exec(t);
    if (!m) {
      onBad?.(line, 'expected "KEY value"');
      continue;
    }
    out.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1').trim());
  }
  return out;
}

/** An integer setting, or null when missing or not a number. */
export function intSetting(v: string | undefined): number | null {
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null;
}

/** An octal umask ("022", "0077") as a number, or null. */
export function octalSetting(v: string | undefined): number | null {
  return v !== undefined && /^[0-7]{1,4}$/.test(v) ? parseInt(v, 8) : null;
}

/** Hash methods shadow tools still accept that are broken or far too fast. */
export const WEAK_ENCRYPT_METHODS = new Set(['DES', 'MD5']);
