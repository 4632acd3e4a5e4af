import { splitColonLine } from './common.js';

export interface MeminfoField {
  field: string;
  /** Bytes for `kB` fields, null for plain counts. */
  bytes: number | null;
  /** The number of a field without a unit (HugePages_Total …), null for sizes. */
  count: number | null;
}

/** Parses /proc/meminfo: `Field:   1234 kB` (kB is KiB) or `HugePages_Total:  0`. */
export function parseMeminfo(text: string, onBadLine?: (line: number, reason: string) => void): MeminfoField[] {
  const out: MeminfoField[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const pair = splitColonLine(lines[i]!);
    const m = pair && /^[A-Za-z0-9_()]+$/.test(pair[0]) ? /^(\d+)(?:\s+(kB))?$/.exec(pair[1]) : null;
    if (!pair || !m) {
      onBadLine?.(i + 1, 'expected "Field: <number> [kB]"');
      continue;
    }
    if (seen.has(pair[0])) continue;
    seen.add(pair[0]);
    const n = Number(m[1]);
    out.push(m[2] ? { field: pair[0], bytes: n * 1024, count: null } : { field: pair[0], bytes: null, count: n });
  }
  return out;
}
