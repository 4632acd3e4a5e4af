import type { CollectorConfig, TableObserver } from '../collectors/types.js';
import { Scheduler } from '../collectors/scheduler.js';
import type { CollectorSpec } from '../collectors/types.js';
import type { ExporterConfig } from '../config/config.js';
import { createCommandRunner, type CommandRunner } from '../host/commands.js';
import { HostFs } from '../host/hostfs.js';
import { loadCatalog, type Catalog } from '../metrics/catalog.js';
import { systemClock, type Clock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/logger.js';

export interface Runtime {
  fs: HostFs;
  log: Logger;
  catalog: Catalog;
  scheduler: Scheduler;
  clock: Clock;
}

export interface RuntimeOverrides {
  clock?: Clock;
  commands?: CommandRunner;
  log?: Logger;
  observer?: TableObserver;
  /** Replaces the enabled set (the `collect` subcommand runs what it is asked for). */
  configs?: Map<string, CollectorConfig>;
  /** Fail runs whose rows do not fit the declared columns (tests and golden runs). */
  checkColumns?: boolean;
}

/** Wires config → host → catalog → scheduler. Shared by `serve`, `collect` and tests. */
export function createRuntime(specs: CollectorSpec[], config: ExporterConfig, o: RuntimeOverrides = {}): Runtime {
  const log = o.log ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const fs = new HostFs({
    rootfs: config.rootfs,
    ...(config.procfs ? { procfs: config.procfs } : {}),
    ...(config.sysfs ? { sysfs: config.sysfs } : {}),
    maxFileBytes: config.maxFileBytes,
  });
  const catalog = loadCatalog();
  const clock = o.clock ?? systemClock;
  const scheduler = new Scheduler({
    specs,
    configs: o.configs ?? config.collectors,
    catalog,
    fs,
    clock,
    log,
    commands: o.commands ?? createCommandRunner(),
    concurrency: config.concurrency,
    limits: config.limits,
    ...(o.observer ? { observer: o.observer } : {}),
    ...(o.checkColumns ? { checkColumns: true } : {}),
  });
  return { fs, log, catalog, scheduler, clock };
}
