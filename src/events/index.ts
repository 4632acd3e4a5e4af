import type { Registry } from 'prom-client';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { DriftDiffer } from '../drift/differ.js';
import type { CommandRunner } from '../host/commands.js';
import type { HostFs } from '../host/hostfs.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { startAuditSource } from './audit/source.js';
import type { EventsConfig } from './config.js';
import { createOtlpExporter } from './exporter.js';
import { startFim } from './fim/watcher.js';
import { createEventMetrics, type EventMetrics } from './metrics.js';
import { EventPipeline } from './pipeline.js';
import { hostResourceAttributes, readHostIdentity } from './resource.js';
import { startSyslogSource, type LineSpawner } from './syslog/source.js';
import { withRiskSeverity, type SeverityOverrides } from './severity.js';
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
  /** Replaces the resource attributes read from the host. */
  resourceAttributes?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  spawner?: LineSpawner;
  /** `events.severity` overrides of the risk table. */
  severity?: SeverityOverrides;
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

/** Builds the pipeline and starts every configured source; null when OTEL_SDK_DISABLED turns the SDK off. */
export async function startEvents(config: EventsConfig, deps: EventsDeps): Promise<Events | null> {
  const log = deps.log.child({ component: 'events' });
  const metrics = createEventMetrics();
  const resourceAttributes =
    deps.resourceAttributes ?? hostResourceAttributes({ host: await readHostIdentity(deps.fs), env: deps.env ?? process.env, arch: process.arch });
  const pipeline = await EventPipeline.start({
    exporter: deps.exporter ?? (await createOtlpExporter(config.otlp)),
    resourceAttributes,
    ...(config.serviceName ? { serviceName: config.serviceName } : {}),
    clock: deps.clock,
    log,
    metrics,
    queueSize: config.queueSize,
    batchSize: config.batchSize,
    flushIntervalMs: config.flushIntervalMs,
  });
  if (!pipeline) {
    log.info('security events are off: OTEL_SDK_DISABLED is true');
    return null;
  }
  // Registered only when events run, so /metrics shows no event families otherwise.
  metrics.register(deps.registry);
  // Every source's events get their severity from the one risk table (events/severity.ts).
  const sink = withRiskSeverity(pipeline, deps.severity ?? {}, metrics);
  const sources: RunningSource[] = [];
  const stopAll = async () => {
    await Promise.all(sources.map((s) => s.stop().catch((err) => log.warn('event source did not stop cleanly', { source: s.name, err: (err as Error).message }))));
  };
  try {
    if (config.fim) {
      const fim = await startFim({ fs: deps.fs, sink, stateDir: config.stateDir, log: log.child({ source: 'fim' }), clock: deps.clock, metrics, ...config.fim });
      sources.push(fim);
    }
    if (config.audit) {
      sources.push(startAuditSource({ fs: deps.fs, sink, log, clock: deps.clock, file: config.audit.path, stateDir: config.stateDir }));
    }
    if (config.syslog) {
      const journalctl = await deps.commands.which('journalctl');
      const s = startSyslogSource({
        fs: deps.fs,
        sink,
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
  const differ = config.drift ? new DriftDiffer({ sink, stateDir: config.stateDir, log, maxPerTable: config.drift.maxPerTable }) : null;
  log.info('security events enabled', {
    endpoint: config.otlp.endpoint,
    protocol: config.otlp.protocol,
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
