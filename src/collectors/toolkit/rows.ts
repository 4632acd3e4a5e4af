import type { FactRow } from '../types.js';

/** Drops rows whose key columns repeat: the first one wins (a source or a risk listed twice). */
export function uniqueRows(rows: FactRow[], key: string[]): FactRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key.map((c) => String(r[c] ?? '')).join('\u0000');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
