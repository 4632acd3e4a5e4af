// Regenerates the docs that derive from code: metrics/README.md (catalog) and the
// collector table of README.md (registry). Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { allCollectors } from '../dist/collectors/all.js';
import { loadCatalog } from '../dist/metrics/catalog.js';
import { updateReadme } from '../dist/metrics/collector-docs.js';
import { renderCatalogDocs } from '../dist/metrics/docs.js';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('metrics/README.md', root), renderCatalogDocs(loadCatalog()));
const readme = new URL('README.md', root);
writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), allCollectors()));
console.log('wrote metrics/README.md and the collector table of README.md');
const events = new URL('docs/events.md', root);
const { updateEventsDoc } = await import('../dist/drift/policy-docs.js');
writeFileSync(events, updateEventsDoc(readFileSync(events, 'utf8'), allCollectors(), loadCatalog().events));
console.log('wrote the drift policies, the risk table and the event catalog of docs/events.md');
