import { existsSync } from 'node:fs';
import { createRuntime } from '../../src/cli/runtime.js';
import { allCollectors } from '../../src/collectors/all.js';
import { flagTable, lookupIn, readConfigFile, resolveConfig } from '../../src/config/config.js';
import { parseArgs } from '../../src/config/flags.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { exposition, fakeCommands, FIXTURE_TIME, fixturePath } from '../helpers.js';

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
  // The resolved config is frozen: the runtime gets configs of its own.
  const configs = new Map([...config.collectors].map(([name, c]) => [name, { ...c, enabled: file[name]?.enabled !== false }]));
  const log = memoryLogger();
  const rt = createRuntime(specs, config, { clock: fixedClock(FIXTURE_TIME), commands: fakeCommands(), log, configs, checkColumns: true });
  await rt.scheduler.runAll();
  return { text: exposition(rt.scheduler), scheduler: rt.scheduler, log };
}

