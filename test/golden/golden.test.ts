import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { loadCatalog } from '../../src/metrics/catalog.js';
import { assembleExposition } from '../../src/metrics/exposition.js';
import { renderHealth } from '../../src/metrics/health.js';
import { REPO } from '../helpers.js';
import { fixtureExposition } from '../support/fixture-run.js';

/** Values that change from run to run are replaced, so the golden file is stable. */
function normalize(text: string): string {
  return text.replace(/^(hostbaseline_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 <duration>');
}

const AREAS = [...new Set(allCollectors().map((s) => s.area))].sort();

// One golden file per area, so the areas can evolve without touching each other's expectations.
describe.each(AREAS)('golden /metrics of host-a, area %s', (area) => {
  it('matches the committed golden file', async () => {
    const { scheduler, log } = await hostA();
    const states = scheduler.list().filter((s) => s.spec.area === area);
    const failed = states.filter((s) => !s.success);
    expect(failed.map((s) => `${s.spec.name}: ${s.lastError}`), log.lines.join('\n')).toEqual([]);
    const got = normalize(
      assembleExposition(loadCatalog(), [...states.map((s) => s.rendered?.samples ?? new Map<string, string>()), renderHealth(states)]),
    );
    const file = path.join(REPO, 'test', 'golden', 'host-a', `${area}.prom`);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, got);
    }
    if (!existsSync(file)) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npm test`);
    expect(got).toBe(readFileSync(file, 'utf8'));
  });
});

let hostARun: ReturnType<typeof fixtureExposition> | null = null;
function hostA() {
  return (hostARun ??= fixtureExposition('host-a'));
}

describe('a host root with nothing in it', () => {
  it('every collector succeeds (sources that do not exist are not failures)', async () => {
    const { scheduler, log } = await fixtureExposition('host-empty');
    const failed = scheduler.list().filter((s) => !s.success);
    expect(failed.map((s) => `${s.spec.name}: ${s.lastError}`), log.lines.join('\n')).toEqual([]);
  });
});
