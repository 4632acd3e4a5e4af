import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/cli/runtime.js';
import { allCollectors } from '../../src/collectors/all.js';
import { resolveConfig } from '../../src/config/config.js';
import { parseArgs } from '../../src/config/flags.js';
import { flagTable, lookupIn, readConfigFile } from '../../src/config/config.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { loadCatalog } from '../../src/metrics/catalog.js';
import { assembleExposition } from '../../src/metrics/exposition.js';
import { renderHealth } from '../../src/metrics/health.js';
import { exposition, fakeCommands, FIXTURE_TIME, fixturePath, REPO } from '../helpers.js';

/** Values that change from run to run are replaced, so the golden file is stable. */
function normalize(text: string): string {
  return text.replace(/^(hostbaseline_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 <duration>');
}

/** Runs every collector (all of them, not only the defaults) once against a fixture host. */
export async function fixtureExposition(host: string) {
  const specs = allCollectors();
  const configFile = fixturePath(`${host}.config.yaml`);
  const argv = [`--path.rootfs=${fixturePath(host)}`, '--collector.concurrency=8'];
  const hasConfig = existsSync(configFile);
  if (hasConfig) argv.push(`--config.file=${configFile}`);
  const config = resolveConfig(parseArgs(argv, lookupIn(flagTable(specs))), specs);
  // Every collector runs, except those the fixture's config file switches off (live services).
  const file = hasConfig ? readConfigFile(configFile, specs).collectors : {};
  for (const [name, c] of config.collectors) c.enabled = file[name]?.enabled !== false;
  const log = memoryLogger();
  const rt = createRuntime(specs, config, { clock: fixedClock(FIXTURE_TIME), commands: fakeCommands(), log });
  await rt.scheduler.runAll();
  return { text: exposition(rt.scheduler), scheduler: rt.scheduler, log };
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
