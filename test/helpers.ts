import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scheduler, type CollectorConfig, type CollectorState } from '../src/collectors/scheduler.js';
import type { CollectorSpec, FactRow, OptionValue, RowLimits } from '../src/collectors/types.js';
import type { CommandResult, CommandRunner } from '../src/host/commands.js';
import { HostFs } from '../src/host/hostfs.js';
import { loadCatalog } from '../src/metrics/catalog.js';
import { assembleExposition } from '../src/metrics/exposition.js';
import { renderHealth } from '../src/metrics/health.js';
import { fixedClock, type Clock } from '../src/util/clock.js';
import { memoryLogger, type Logger } from '../src/util/logger.js';
import { registerTempDir } from './support/cleanup.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** A fixed instant for fixture runs: 2026-01-15T12:00:00Z. */
export const FIXTURE_TIME = Date.UTC(2026, 0, 15, 12, 0, 0);

export function fixturePath(name: string): string {
  return path.join(REPO, 'test', 'fixtures', name);
}

/** A temporary directory, removed after the test file (test/setup/cleanup.ts). */
export function tempDir(prefix = 'hb-'): string {
  return registerTempDir(mkdtempSync(path.join(tmpdir(), prefix)));
}

/** A command runner for fixture hosts: programs are "not installed" unless given. */
export function fakeCommands(programs: Record<string, (args: string[]) => CommandResult | Promise<CommandResult>> = {}): CommandRunner {
  return {
    async which(p) {
      return p in programs ? `/usr/bin/${p}` : null;
    },
    async run(p, args) {
      const f = programs[p];
      if (!f) throw new Error(`${p}: not installed`);
      return f(args);
    },
  };
}

export interface RunOptions {
  options?: Record<string, OptionValue>;
  clock?: Clock;
  commands?: CommandRunner;
  log?: Logger;
  procfs?: string;
  sysfs?: string;
  maxFileBytes?: number;
  timeout?: number;
  maxSeries?: number;
  limits?: Partial<RowLimits>;
}

export function configFor(spec: CollectorSpec, o: RunOptions = {}): CollectorConfig {
  const options: Record<string, OptionValue> = {};
  for (const opt of spec.options ?? []) options[opt.name] = opt.default;
  return {
    enabled: true,
    interval: spec.interval,
    timeout: o.timeout ?? spec.timeout,
    ...(o.maxSeries !== undefined ? { maxSeries: o.maxSeries } : {}),
    options: { ...options, ...o.options },
  };
}

export function schedulerFor(specs: CollectorSpec[], root: string, o: RunOptions = {}): Scheduler {
  const fs = new HostFs({
    rootfs: root,
    ...(o.procfs ? { procfs: o.procfs } : {}),
    ...(o.sysfs ? { sysfs: o.sysfs } : {}),
    ...(o.maxFileBytes ? { maxFileBytes: o.maxFileBytes } : {}),
  });
  return new Scheduler({
    specs,
    configs: new Map(specs.map((s) => [s.name, configFor(s, o)])),
    catalog: loadCatalog(),
    fs,
    clock: o.clock ?? fixedClock(FIXTURE_TIME),
    log: o.log ?? memoryLogger(),
    commands: o.commands ?? fakeCommands(),
    random: () => 0,
    // Rows must fit the columns their table declares.
    checkColumns: true,
    ...(o.limits ? { limits: o.limits } : {}),
  });
}

export interface CollectResult {
  state: CollectorState;
  tables: Record<string, FactRow[]>;
  /** Sample lines this collector rendered (no HELP/TYPE). */
  samples: string;
}

/** Runs one collector once against a host root, the way the exporter does. */
export async function collectOnce(spec: CollectorSpec, root: string, o: RunOptions = {}): Promise<CollectResult> {
  const scheduler = schedulerFor([spec], root, o);
  const state = await scheduler.runNow(spec.name);
  const tables: Record<string, FactRow[]> = {};
  for (const t of state.tables ?? []) tables[t.name] = t.rows;
  const samples = [...(state.rendered?.samples.values() ?? [])].join('');
  return { state, tables, samples };
}

/** The exposition of a scheduler's collectors (without the exporter's live process metrics). */
export function exposition(scheduler: Scheduler): string {
  const states = scheduler.list();
  return assembleExposition(loadCatalog(), [...states.map((s) => s.rendered?.samples ?? new Map()), renderHealth(states)]);
}
