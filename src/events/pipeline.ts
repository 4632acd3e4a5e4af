import { SeverityNumber } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { EventMetrics } from './metrics.js';
import { startOtelSdk, type OtelSdk } from './sdk.js';
import type { EventSeverity, EventSink, EventSourceName, SecurityEvent } from './types.js';

const SEVERITY: Record<EventSeverity, SeverityNumber> = {
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

/** Attribute naming the source of a record (fim, audit, syslog, drift). */
export const SOURCE_ATTRIBUTE = 'hostbaseline.event.source';

export interface PipelineOptions {
  exporter: LogRecordExporter;
  /** hostbaseline's resource attributes; the SDK adds OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME. */
  resourceAttributes: Record<string, string>;
  /** From a flag or the config file; wins over OTEL_SERVICE_NAME. */
  serviceName?: string;
  clock: Clock;
  log: Logger;
  metrics: EventMetrics;
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  /** First retry delay after a failed export; doubles up to retryMaxMs. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

/**
 * Bounded queue in front of the OTLP exporter. Records wait here while the receiver is
 * slow or down; a failed batch stays at the head and is retried with exponential backoff,
 * so nothing is lost until the queue is full — then new records are dropped and counted.
 */
class QueueProcessor implements LogRecordProcessor {
  readonly queue: ReadWriteLogRecord[] = [];
  private exporting = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastExportAt = -Infinity;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: PipelineOptions) {}

  onEmit(record: ReadWriteLogRecord): void {
    const source = String(record.attributes[SOURCE_ATTRIBUTE] ?? 'unknown');
    if (this.closed) {
      this.o.metrics.dropped(source, 'shutdown');
      return;
    }
    if (this.queue.length >= this.o.queueSize) {
      this.o.metrics.dropped(source, 'queue_full');
      return;
    }
    this.queue.push(record);
    this.o.metrics.setQueueLength(this.queue.length);
    if (this.queue.length >= this.o.batchSize) this.pump();
    else this.arm();
  }

  /**
   * Schedules the next export: `flushIntervalMs` after the previous one started (the
   * OTEL_BLRP_SCHEDULE_DELAY meaning), so a record after a quiet spell leaves at once while
   * a stream of records still makes at most one request per interval.
   */
  private arm(): void {
    if (this.timer || this.retryTimer || this.exporting) return;
    const wait = Math.max(0, this.lastExportAt + this.o.flushIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, wait);
    this.timer.unref();
  }

  /** Sends the head of the queue unless an export or a backoff is in progress. */
  pump(): void {
    if (this.exporting || this.retryTimer || this.queue.length === 0) {
      if (this.queue.length === 0) this.notifyIdle();
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue.slice(0, this.o.batchSize) as ReadableLogRecord[];
    this.exporting = true;
    this.lastExportAt = Date.now();
    let settled = false;
    const done = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      this.exporting = false;
      if (result.code === ExportResultCode.SUCCESS) {
        this.queue.splice(0, batch.length);
        this.o.metrics.exported(batch.length);
        this.o.metrics.setQueueLength(this.queue.length);
        if (this.failures > 0) this.o.log.info('event export recovered', { after_failures: this.failures, queued: this.queue.length });
        this.failures = 0;
        // Next turn: the exporter releases its concurrency slot only after this callback.
        if (this.queue.length >= this.o.batchSize || (this.closed && this.queue.length > 0)) setImmediate(() => this.pump());
        else if (this.queue.length > 0) this.arm();
        else this.notifyIdle();
        return;
      }
      this.failures++;
      this.o.metrics.exportFailure();
      const initial = this.o.retryInitialMs ?? 1000;
      const max = this.o.retryMaxMs ?? 30_000;
      const random = this.o.random ?? Math.random;
      const delay = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 20)) * (0.8 + 0.4 * random());
      this.o.log.warn('event export failed, will retry', {
        err: result.error?.message ?? 'unknown error',
        attempt: this.failures,
        retry_in_ms: Math.round(delay),
        queued: this.queue.length,
      });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.pump();
      }, delay);
      this.retryTimer.unref();
      this.notifyIdle();
    };
    try {
      this.o.exporter.export(batch, done);
    } catch (err) {
      done({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }

  private notifyIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private nextIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drains the queue until empty or the deadline; what is left is counted as dropped. */
  async drain(deadlineMs: number): Promise<number> {
    const end = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < end) {
      if (this.retryTimer) {
        // Shutting down: retry now instead of waiting out the backoff.
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      const idle = this.nextIdle();
      this.pump();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([idle, new Promise<void>((r) => (t = setTimeout(r, Math.max(0, end - Date.now()))))]);
      clearTimeout(t);
      if (this.retryTimer && Date.now() < end) {
        await new Promise((r) => setTimeout(r, Math.min(200, Math.max(0, end - Date.now()))));
      }
    }
    return this.queue.length;
  }

  close(): ReadWriteLogRecord[] {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
    return this.queue.splice(0);
  }

  async forceFlush(): Promise<void> {
    await this.drain(5_000);
  }

  async shutdown(): Promise<void> {}
}

/** The event pipeline: sources emit typed events; they leave as OTLP log records. */
export class EventPipeline implements EventSink {
  /**
   * Starts the OpenTelemetry SDK with the bounded queue in front of the exporter.
   * Null when OTEL_SDK_DISABLED turns the SDK off.
   */
  static async start(o: PipelineOptions): Promise<EventPipeline | null> {
    const processor = new QueueProcessor(o);
    const sdk = await startOtelSdk({ processor, resourceAttributes: o.resourceAttributes, ...(o.serviceName ? { serviceName: o.serviceName } : {}), log: o.log });
    if (!sdk) {
      await o.exporter.shutdown().catch(() => {});
      return null;
    }
    return new EventPipeline(o, processor, sdk);
  }

  private constructor(
    private readonly o: PipelineOptions,
    private readonly processor: QueueProcessor,
    private readonly sdk: OtelSdk,
  ) {}

  emit(source: EventSourceName, e: SecurityEvent): void {
    this.o.metrics.produced(source, e.name);
    this.sdk.logger.emit({
      // The log data model's EventName field (semantic conventions: no event.name attribute).
      eventName: e.name,
      timestamp: e.time,
      observedTimestamp: this.o.clock.now(),
      severityNumber: SEVERITY[e.severity],
      severityText: e.severity,
      body: e.body ?? e.name,
      // Maps and arrays stay structured: they leave as OTLP kvlistValue / arrayValue.
      attributes: { ...e.attributes, [SOURCE_ATTRIBUTE]: source },
    });
  }

  dropped(source: EventSourceName, reason: string, count = 1): void {
    this.o.metrics.dropped(source, reason, count);
  }

  get queueLength(): number {
    return this.processor.queue.length;
  }

  /** Sends what is queued now (tests, benchmarks). */
  async flush(deadlineMs = 5_000): Promise<void> {
    await this.processor.drain(deadlineMs);
  }

  /** Flushes within the deadline, counts the rest as dropped, and shuts the SDK and the exporter down. */
  async shutdown(deadlineMs: number): Promise<void> {
    const left = await this.processor.drain(deadlineMs);
    const rest = this.processor.close();
    for (const r of rest) this.o.metrics.dropped(String(r.attributes[SOURCE_ATTRIBUTE] ?? 'unknown'), 'shutdown');
    if (left > 0) this.o.log.warn('events left unsent at shutdown', { dropped: left });
    await this.sdk.shutdown().catch(() => {});
    await Promise.race([this.o.exporter.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}
