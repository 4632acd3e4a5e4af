// Regenerates the docs that derive from code: metrics/README.md (catalog) and the
// collector table of README.md (registry) and the column tables of docs/collectors/*.md
// (table specs). Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { allCollectors } from '../dist/collectors/all.js';
import { loadCatalog } from '../dist/metrics/catalog.js';
import { updateAreaDoc, updateReadme } from '../dist/metrics/collector-docs.js';
import { renderCatalogDocs } from '../dist/metrics/docs.js';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('metrics/README.md', root), renderCatalogDocs(loadCatalog()));
const readme = new URL('README.md', root);
writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), allCollectors()));
// The column tables of docs/collectors/<area>.md, from the table specs.
const specs = allCollectors();
for (const area of new Set(specs.map((s) => s.area))) {
  const inArea = specs.filter((s) => s.area === area);
  // Areas whose tables declare no column yet keep their doc as it is.
  if (!inArea.some((s) => s.tables.some((t) => t.columns))) continue;
  const doc = new URL(`docs/collectors/${area}.md`, root);
  writeFileSync(doc, updateAreaDoc(readFileSync(doc, 'utf8'), inArea));
}
console.log('wrote metrics/README.md, the collector table of README.md and the column tables of docs/collectors/*.md');
const events = new URL('docs/events.md', root);
const { updateEventsDoc } = await import('../dist/drift/policy-docs.js');
writeFileSync(events, updateEventsDoc(readFileSync(events, 'utf8'), allCollectors(), loadCatalog().events));
console.log('wrote the drift policies, the risk table and the event catalog of docs/events.md');
