import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/cli/runtime.js';
import { allCollectors } from '../../src/collectors/all.js';
import { resolveConfig } from '../../src/config/config.js';
import { parseArgs } from '../../src/config/flags.js';
import { flagTable, lookupIn, readConfigFile } from '../../src/config/config.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
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

describe.each(['host-a'])('golden /metrics of %s', (host) => {
  it('matches the committed golden file', async () => {
    const { text, scheduler, log } = await fixtureExposition(host);
    const failed = scheduler.list().filter((s) => !s.success);
    expect(failed.map((s) => `${s.spec.name}: ${s.lastError}`), log.lines.join('\n')).toEqual([]);
    const file = path.join(REPO, 'test', 'golden', `${host}.prom`);
    const got = normalize(text);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      if (process.env.CI === 'true' && !existsSync(file)) throw new Error(`${file} is missing`);
      writeFileSync(file, got);
    }
    expect(got).toBe(readFileSync(file, 'utf8'));
  });
});

describe('a host root with nothing in it', () => {
  it('every collector succeeds (sources that do not exist are not failures)', async () => {
    const { scheduler, log } = await fixtureExposition('host-empty');
    const failed = scheduler.list().filter((s) => !s.success);
    expect(failed.map((s) => `${s.spec.name}: ${s.lastError}`), log.lines.join('\n')).toEqual([]);
  });
});
