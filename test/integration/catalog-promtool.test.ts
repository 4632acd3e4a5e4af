import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/metrics/catalog.js';
import { assembleExposition, sampleLine } from '../../src/metrics/exposition.js';
import { hasProgram } from '../support/programs.js';

const catalog = loadCatalog();

/**
 * One sample per catalog family, as the exporter would render it. Families the
 * fixture host never serves (Docker, SMART, cloud, …) are linted too, so a name
 * that breaks the exposition rules fails here and not on the first host that has them.
 */
function everyFamily(): string {
  const samples = new Map<string, string>();
  for (const f of catalog.families) {
    const line = sampleLine(
      f.name,
      f.labels.map((l) => [l, 'x'] as [string, string]),
      1,
    );
    samples.set(f.name, (samples.get(f.name) ?? '') + line);
  }
  return assembleExposition(catalog, [samples]);
}

describe.skipIf(!hasProgram('promtool'))('promtool check metrics over every catalog family', () => {
  it('finds no problem in any family (base units, suffixes, names)', () => {
    const text = everyFamily();
    expect(text.match(/^# TYPE /gm)?.length).toBe(catalog.byName.size);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('would report a family that breaks the base-unit rule (the check is live)', () => {
    const bad = '# HELP x_age_days A test.\n# TYPE x_age_days gauge\nx_age_days 1\n';
    const r = spawnSync('promtool', ['check', 'metrics'], { input: bad, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/base unit "seconds"/);
  });
});

describe('catalog labels', () => {
  // Values that change with every connection, process or scrape make a new series each time.
  const EPHEMERAL = /^(remote_port|peer_port|src_port|client_port|inode|timestamp|time|started_at|created|last_seen|fd)$/;
  it('no family labels a series with a peer port, an inode, a timestamp or an fd', () => {
    const bad = catalog.families.flatMap((f) => f.labels.filter((l) => EPHEMERAL.test(l)).map((l) => `${f.name}{${l}}`));
    expect(bad).toEqual([]);
  });
});
