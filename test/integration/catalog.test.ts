import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { readConfigFile } from '../../src/config/config.js';
import { loadCatalog } from '../../src/metrics/catalog.js';
import { renderCatalogDocs } from '../../src/metrics/docs.js';
import { fixturePath, REPO, tempDir } from '../helpers.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';

const catalog = loadCatalog();
const specs = allCollectors();

describe('metric catalog', () => {
  let exp: RunningExporter;
  let families: Set<string>;

  beforeAll(async () => {
    const configFile = fixturePath('host-a.config.yaml');
    const args = [`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`];
    const file = existsSync(configFile) ? readConfigFile(configFile, specs).collectors : {};
    if (existsSync(configFile)) args.push(`--config.file=${configFile}`);
    // Every collector the fixture host can run, defaults or not.
    for (const s of specs) if (file[s.name]?.enabled !== false) args.push(`--collector.${s.name}`);
    exp = await startExporter(args);
    await waitFor('readiness', async () => (await fetch(`${exp.url}/readyz`)).ok, 60_000);
    const text = await (await fetch(`${exp.url}/metrics`)).text();
    families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  }, 90_000);

  afterAll(async () => {
    await exp?.stop();
  });

  it('declares every family the exporter serves', () => {
    const missing = [...families].filter((f) => !catalog.byName.has(f));
    expect(missing).toEqual([]);
  });

  it('lists no family that the fixture run does not serve (unless it says why)', () => {
    const absent = [...catalog.byName.values()].filter((f) => !families.has(f.name) && !f.absentInFixture).map((f) => `${f.name} (${f.collector})`);
    expect(absent).toEqual([]);
  });

  it('names only collectors and tables that exist', () => {
    const byName = new Map(specs.map((s) => [s.name, s]));
    const problems: string[] = [];
    for (const f of catalog.families) {
      if (f.collector === 'exporter') continue;
      const spec = byName.get(f.collector);
      if (!spec) problems.push(`${f.name}: no collector ${f.collector}`);
      else if (f.table && !spec.tables.some((t) => t.name === f.table)) problems.push(`${f.name}: ${f.collector} has no table ${f.table}`);
      else if (!f.table) problems.push(`${f.name}: a collector family needs a table`);
    }
    expect(problems).toEqual([]);
  });

  it('metrics/README.md is generated from the current catalog', () => {
    const current = readFileSync(path.join(REPO, 'metrics', 'README.md'), 'utf8');
    expect(current, 'run `npm run docs`').toBe(renderCatalogDocs(catalog));
  });
});

describe('README', () => {
  it('lists every registered collector with its options (npm run docs)', async () => {
    const { renderCollectorTable } = await import('../../src/metrics/collector-docs.js');
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme, 'run `npm run docs`').toContain(renderCollectorTable(specs));
  });
});

describe('compiled catalog', () => {
  it('dist/metrics/catalog.json (built by npm run build) equals the YAML catalog', () => {
    const compiled = JSON.parse(readFileSync(path.join(REPO, 'dist', 'metrics', 'catalog.json'), 'utf8'));
    const yaml = loadCatalog();
    expect(compiled.families).toEqual(yaml.families);
    expect(compiled.events).toEqual(yaml.events);
  });
});
