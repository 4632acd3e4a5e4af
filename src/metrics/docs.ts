import type { Catalog } from './catalog.js';

const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Renders metrics/README.md from the catalog (kept current by a test). */
export function renderCatalogDocs(catalog: Catalog): string {
  const out: string[] = [
    '# Metric and event catalog',
    '',
    '<!-- Generated from metrics/*.yaml by `npm run docs`; do not edit by hand. -->',
    '',
    'Every family the exporter serves is declared in `metrics/*.yaml`: its type, help, labels, the collector and',
    'fact table it comes from, and its cardinality. Per-item families (one series per row) are capped; what a cap',
    'leaves out is counted in `hostbaseline_series_dropped_total{collector}`. A test fails when the exporter serves',
    'a family missing here, or when the fixture host does not serve a family listed here.',
    '',
    '## Metrics',
    '',
    '| name | type | labels | collector | cardinality | help |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const seen = new Set<string>();
  for (const f of catalog.families) {
    const key = `${f.name}/${f.collector}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const card = f.perItem ? `${f.cardinality} (capped${f.cap ? ` at ${f.cap}` : ''})` : f.cardinality;
    const unit = f.unit ? ` Unit: ${f.unit}.` : '';
    out.push(
      `| \`${f.name}\` | ${f.type} | ${f.labels.map((l) => `\`${l}\``).join(', ')} | ${f.collector} | ${cellText(card)} | ${cellText(f.help)}${unit} |`,
    );
  }
  if (catalog.events.length) {
    out.push('', '## Events (OpenTelemetry log records)', '', '| event name | severity | source | attributes | description |', '| --- | --- | --- | --- | --- |');
    for (const e of catalog.events) {
      out.push(`| \`${e.name}\` | ${e.severity} | ${e.source} | ${e.attributes.map((a) => `\`${a}\``).join(', ')} | ${cellText(e.description)} |`);
    }
  }
  return out.join('\n') + '\n';
}
