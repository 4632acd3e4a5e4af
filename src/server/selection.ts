import type { ExpositionFilter } from './exposition-cache.js';

export type Selection = { ok: true; filter: ExpositionFilter } | { ok: false; error: string };

const KEYS: Record<string, 'collect' | 'exclude'> = {
  'collect[]': 'collect',
  collect: 'collect',
  'exclude[]': 'exclude',
  exclude: 'exclude',
};

/**
 * Reads `collect[]` / `exclude[]` from a raw query string, as node_exporter does, for
 * any number of names: repeated keys only, never nested shapes (`collect[0]=…`,
 * `collect[a][b]=…`), no empty names, and not both lists at once. Other parameters
 * are ignored (Prometheus may add its own `params`).
 */
export function parseSelection(query: string, known: ReadonlySet<string>): Selection {
  const lists = { collect: [] as string[], exclude: [] as string[] };
  for (const [key, value] of new URLSearchParams(query)) {
    const list = KEYS[key];
    if (!list) {
      if (/^(collect|exclude)\[/.test(key)) return { ok: false, error: `unsupported parameter "${key}": repeat ${key.slice(0, 7)}[]=<name> for each collector` };
      continue;
    }
    if (value === '') return { ok: false, error: `${key} needs a collector name` };
    lists[list].push(value);
  }
  if (lists.collect.length && lists.exclude.length) return { ok: false, error: 'combined collect[] and exclude[] queries are not allowed' };
  const unknown = [...new Set([...lists.collect, ...lists.exclude].filter((n) => !known.has(n)))];
  if (unknown.length) {
    const shown = unknown.slice(0, 10).map((n) => JSON.stringify(n)).join(', ');
    return { ok: false, error: `unknown or disabled collector: ${shown}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}` };
  }
  return { ok: true, filter: lists };
}
