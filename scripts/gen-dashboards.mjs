// npm run dashboards: writes dashboards/*.json from the compiled generator, the generated sections of
// dashboards/README.md, and the Helm chart's copies of the dashboards and the alert rules.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboards, renderDashboard, renderReadme } from '../dist/dashboards/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(repo, 'dashboards');
const chart = path.join(repo, 'helm', 'hostbaseline', 'files');
mkdirSync(path.join(chart, 'dashboards'), { recursive: true });

const files = new Set();
for (const { file, dashboard } of buildDashboards()) {
  const text = renderDashboard(dashboard);
  writeFileSync(path.join(out, file), text);
  writeFileSync(path.join(chart, 'dashboards', file), text);
  files.add(file);
}
// A renamed or removed dashboard must not linger in the chart.
for (const name of readdirSync(path.join(chart, 'dashboards'))) if (!files.has(name)) rmSync(path.join(chart, 'dashboards', name));

const alerts = path.join(out, 'alerts.yaml');
copyFileSync(alerts, path.join(chart, 'alerts.yaml'));

const readme = path.join(out, 'README.md');
writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8'), readFileSync(alerts, 'utf8')));
console.log(`wrote ${files.size} dashboards, dashboards/README.md and the chart's copies`);
