import type { Registry } from 'prom-client';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';
import { DriftDiffer } from '../drift/differ.js';
import type { CommandRunner } from '../host/commands.js';
import type { HostFs } from '../host/hostfs.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { redactUrl } from '../util/redact.js';
import { startAuditSource } from './audit/source.js';
import type { EventsConfig } from './config.js';
import { createOtlpExporter } from './exporter.js';
import { startFim } from './fim/watcher.js';
import { createEventMetrics, type EventMetrics } from './metrics.js';
import { EventPipeline } from './pipeline.js';
import { hostResource } from './resource.js';
import { startSyslogSource, type LineSpawner } from './syslog/source.js';
import type { RunningSource } from './types.js';

export interface EventsDeps {
  fs: HostFs;
  log: Logger;
  clock: Clock;
  commands: CommandRunner;
  /** The exporter's own registry (appended to /metrics). */
  registry?: Registry;
  /** Replaces the OTLP/HTTP exporter (tests: in-memory). */
  exporter?: LogRecordExporter;
  resource?: Resource;
  env?: NodeJS.ProcessEnv;
  spawner?: LineSpawner;
}

export interface Events {
  pipeline: EventPipeline;
  metrics: EventMetrics;
  /** Pass to the scheduler as its `observer`; null when drift events are off. */
  differ: DriftDiffer | null;
  sources: RunningSource[];
  /** Stops the sources, then flushes the queue within the deadline. */
  stop(deadlineMs?: number): Promise<void>;
}

/** Builds the pipeline and starts every configured source. */
export async function startEvents(config: EventsConfig, deps: EventsDeps): Promise<Events> {
  const log = deps.log.child({ component: 'events' });
  const metrics = createEventMetrics(deps.registry);
  const resource = deps.resource ?? (await hostResource(deps.fs, deps.env ?? process.env, config.serviceName));
  const pipeline = new EventPipeline({
    exporter: deps.exporter ?? createOtlpExporter(config.otlp),
    resource,
    clock: deps.clock,
    log,
    metrics,
    queueSize: config.queueSize,
    batchSize: config.batchSize,
    flushIntervalMs: config.flushIntervalMs,
  });
  const sources: RunningSource[] = [];
  const stopAll = async () => {
    await Promise.all(sources.map((s) => s.stop().catch((err) => log.warn('event source did not stop cleanly', { source: s.name, err: (err as Error).message }))));
  };
  try {
    if (config.fim) {
      const fim = await startFim({ fs: deps.fs, sink: pipeline, log: log.child({ source: 'fim' }), clock: deps.clock, metrics, ...config.fim });
      sources.push(fim);
    }
    if (config.audit) {
      sources.push(startAuditSource({ fs: deps.fs, sink: pipeline, log, clock: deps.clock, file: config.audit.path, stateDir: config.stateDir }));
    }
    if (config.syslog) {
      const journalctl = await deps.commands.which('journalctl');
      const s = startSyslogSource({
        fs: deps.fs,
        sink: pipeline,
        log,
        clock: deps.clock,
        stateDir: config.stateDir,
        journal: config.syslog.journal,
        files: config.syslog.paths,
        journalctl,
        ...(deps.spawner ? { spawner: deps.spawner } : {}),
      });
      sources.push(s);
    }
  } catch (err) {
    await stopAll();
    await pipeline.shutdown(0);
    throw err;
  }
  const differ = config.drift ? new DriftDiffer({ sink: pipeline, stateDir: config.stateDir, log, maxPerTable: config.drift.maxPerTable }) : null;
  log.info('security events enabled', {
    endpoint: redactUrl(config.otlp.url),
    sources: [...sources.map((s) => s.name), ...(differ ? ['drift'] : [])].join(','),
    queue_size: config.queueSize,
  });
  return {
    pipeline,
    metrics,
    differ,
    sources,
    async stop(deadlineMs = config.shutdownTimeoutMs) {
      await stopAll();
      await pipeline.shutdown(deadlineMs);
    },
  };
}

export { resolveEventsConfig } from './config.js';
