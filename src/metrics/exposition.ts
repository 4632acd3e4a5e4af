import type { FactRow, FactTable, FactValue } from '../collectors/types.js';
import type { Catalog, CatalogFamily } from './catalog.js';

/** Default cap of a per-item family when neither the catalog nor the config sets one. */
export const DEFAULT_MAX_SERIES = 10_000;

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(v: FactValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

function numericValue(v: FactValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  const n = Number(v);
  return v.trim() !== '' && !Number.isNaN(n) ? n : null;
}

/** One sample line: `name{a="x",b="y"} value`. */
export function sampleLine(name: string, labels: [string, string][], value: number): string {
  if (labels.length === 0) return `${name} ${formatValue(value)}\n`;
  let s = name + '{';
  for (let i = 0; i < labels.length; i++) {
    const [k, v] = labels[i]!;
    s += (i ? ',' : '') + k + '="' + escapeLabelValue(v) + '"';
  }
  return s + '} ' + formatValue(value) + '\n';
}

export interface RenderedCollector {
  /** Sample lines (without HELP/TYPE) per family name. */
  samples: Map<string, string>;
  series: number;
  /** Series left out by caps or because two rows mapped to the same label set. */
  dropped: number;
}

/**
 * Turns a collector's fact tables into sample lines as the catalog says. Rendered
 * once per refresh, so a scrape only concatenates text.
 */
export function renderTables(
  families: CatalogFamily[],
  tables: FactTable[],
  maxSeries: number | undefined,
): RenderedCollector {
  const byTable = new Map<string, FactRow[]>();
  for (const t of tables) byTable.set(t.name, t.rows);
  const samples = new Map<string, string>();
  let series = 0;
  let dropped = 0;
  for (const fam of families) {
    if (!fam.table) continue;
    const rows = byTable.get(fam.table);
    if (!rows) continue;
    const cap = fam.perItem ? (maxSeries ?? fam.cap ?? DEFAULT_MAX_SERIES) : Infinity;
    const seen = new Set<string>();
    let text = '';
    for (const row of rows) {
      const value = typeof fam.value === 'number' ? fam.value : numericValue(row[fam.value]);
      if (value === null) continue;
      const labels: [string, string][] = fam.labels.map((l) => [l, labelText(row[l])]);
      const line = sampleLine(fam.name, labels, value);
      const identity = line.slice(0, line.lastIndexOf(' '));
      if (seen.has(identity) || seen.size >= cap) {
        dropped++;
        continue;
      }
      seen.add(identity);
      text += line;
    }
    if (text) {
      samples.set(fam.name, (samples.get(fam.name) ?? '') + text);
      series += seen.size;
    }
  }
  return { samples, series, dropped };
}

/** Writes families in catalog order, HELP and TYPE once, samples from every source. */
export function assembleExposition(catalog: Catalog, sources: Iterable<Map<string, string>>): string {
  const merged = new Map<string, string>();
  for (const src of sources) {
    for (const [name, text] of src) merged.set(name, (merged.get(name) ?? '') + text);
  }
  let out = '';
  for (const [name, fam] of catalog.byName) {
    const text = merged.get(name);
    if (!text) continue;
    out += `# HELP ${name} ${escapeHelp(fam.help)}\n# TYPE ${name} ${fam.type}\n${text}`;
  }
  return out;
}
