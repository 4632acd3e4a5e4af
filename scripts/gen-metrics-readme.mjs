// Writes metrics/README.md from the catalog. Run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { loadCatalog, CATALOG_DIR } from '../dist/metrics/catalog.js';
import { renderCatalogDocs } from '../dist/metrics/docs.js';

writeFileSync(new URL('README.md', 'file://' + CATALOG_DIR), renderCatalogDocs(loadCatalog()));
console.log('wrote metrics/README.md');
