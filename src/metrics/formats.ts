import type { CatalogFamily } from './catalog.js';
import { CONTENT_TYPE, escapeHelp } from './exposition.js';

/** The two exposition formats Prometheus reads: classic text 0.0.4 and OpenMetrics 1.0.0. */
export type ExpositionFormat = 'text' | 'openmetrics';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const OPENMETRICS_EOF = '# EOF\n';

export function contentType(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : CONTENT_TYPE;
}

/**
 * Picks the format from an Accept header, as client_golang's expfmt.Negotiate does:
 * OpenMetrics 1.0.0 (or 0.0.1) when the client ranks it at least as high as the
 * classic text format (or a wildcard), otherwise the classic text format.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'text';
  let om = -1;
  let other = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((p) => p.trim());
    if (!type) continue;
    let q = 1;
    let version: string | undefined;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number.isFinite(Number(v)) ? Number(v) : 0;
      else if (k === 'version') version = v;
    }
    if (q <= 0) continue;
    const t = type.toLowerCase();
    if (t === 'application/openmetrics-text') {
      if (version === undefined || version === '1.0.0' || version === '0.0.1') om = Math.max(om, q);
    } else if (t === 'text/plain' || t === 'text/*' || t === '*/*') other = Math.max(other, q);
    // Types this exporter does not write (protobuf) do not count.
  }
  return om >= 0 && om >= other ? 'openmetrics' : 'text';
}

/** OpenMetrics escapes double quotes in HELP too. */
const escapeOmHelp = (v: string) => escapeHelp(v).replace(/"/g, '\\"');

/** A counter's MetricFamily name in OpenMetrics has no `_total`. */
export function omFamilyName(fam: Pick<CatalogFamily, 'name' | 'type'>): string {
  return fam.type === 'counter' && fam.name.endsWith('_total') ? fam.name.slice(0, -6) : fam.name;
}

/** HELP, TYPE (and in OpenMetrics UNIT, when the name carries it) of one family. */
export function familyHeader(format: ExpositionFormat, fam: Pick<CatalogFamily, 'name' | 'type' | 'help' | 'unit'>): string {
  if (format === 'text') return `# HELP ${fam.name} ${escapeHelp(fam.help)}\n# TYPE ${fam.name} ${fam.type}\n`;
  const base = omFamilyName(fam);
  const unit = fam.unit && base.endsWith(`_${fam.unit}`) ? `# UNIT ${base} ${fam.unit}\n` : '';
  return `# TYPE ${base} ${fam.type}\n${unit}# HELP ${base} ${escapeOmHelp(fam.help)}\n`;
}

/**
 * Adds a `_created` sample after each `<name>_total` sample (OpenMetrics): the time the
 * counter started from zero. Only for counters the exporter counts itself since it started.
 */
export function withCreated(counterName: string, samples: string, createdSeconds: number): string {
  const base = counterName.slice(0, -'_total'.length);
  let out = '';
  for (const line of samples.split('\n')) {
    if (line === '') continue;
    out += line + '\n';
    if (!line.startsWith(counterName)) continue;
    const labels = line.slice(counterName.length, line.lastIndexOf(' '));
    out += `${base}_created${labels} ${createdSeconds}\n`;
  }
  return out;
}
