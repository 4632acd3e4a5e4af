import { Counter, Gauge, type Registry } from 'prom-client';

/** The event pipeline's counters, registered in the exporter's own registry (appended to /metrics). */
export interface EventMetrics {
  produced(source: string, event: string): void;
  dropped(source: string, reason: string, count?: number): void;
  /** An event's severity as the risk table set it, and the rule that did (`none`). */
  classified(source: string, severity: string, rule: string): void;
  exported(count: number): void;
  exportFailure(): void;
  setQueueLength(n: number): void;
  setFimWatches(n: number): void;
  fimWatchErrors(count?: number): void;
  /** Adds the families to a registry (the exporter's own, appended to /metrics). */
  register(registry: Registry | undefined): void;
  /** Totals for tests and the benchmark. */
  totals(): { produced: number; dropped: number; exported: number; failures: number; droppedByReason: Record<string, number> };
}

export function createEventMetrics(registry?: Registry): EventMetrics {
  const registers = registry ? [registry] : [];
  const events = new Counter({
    name: 'hostbaseline_events_total',
    help: 'Security events produced, by source and event name.',
    labelNames: ['source', 'event'],
    registers,
  });
  const dropped = new Counter({
    name: 'hostbaseline_events_dropped_total',
    help: 'Events (or input lines) dropped: queue full, shutdown deadline, oversized or malformed input, per-refresh cap.',
    labelNames: ['source', 'reason'],
    registers,
  });
  const bySeverity = new Counter({
    name: 'hostbaseline_events_severity_total',
    help: 'Security events produced, by source, severity and the risk rule that set it (none: the source severity).',
    labelNames: ['source', 'severity', 'rule'],
    registers,
  });
  const exported = new Counter({
    name: 'hostbaseline_events_exported_total',
    help: 'Log records accepted by the OTLP receiver.',
    registers,
  });
  const failures = new Counter({
    name: 'hostbaseline_events_export_failures_total',
    help: 'Failed OTLP export attempts (the batch is kept and retried with backoff).',
    registers,
  });
  const queue = new Gauge({ name: 'hostbaseline_events_queue_length', help: 'Log records waiting to be exported.', registers });
  const watches = new Gauge({ name: 'hostbaseline_fim_watches', help: 'Directories watched by file integrity monitoring (inotify watches).', registers });
  const watchErrors = new Counter({
    name: 'hostbaseline_fim_watch_errors_total',
    help: 'Directories that could not be watched (fs.inotify.max_user_watches reached, or the configured cap).',
    registers,
  });
  const t = { produced: 0, dropped: 0, exported: 0, failures: 0 };
  const byReason: Record<string, number> = {};
  return {
    produced(source, event) {
      t.produced++;
      events.inc({ source, event });
    },
    dropped(source, reason, count = 1) {
      t.dropped += count;
      byReason[reason] = (byReason[reason] ?? 0) + count;
      dropped.inc({ source, reason }, count);
    },
    classified: (source, severity, rule) => bySeverity.inc({ source, severity, rule }),
    exported(count) {
      t.exported += count;
      exported.inc(count);
    },
    exportFailure() {
      t.failures++;
      failures.inc();
    },
    setQueueLength: (n) => queue.set(n),
    setFimWatches: (n) => watches.set(n),
    fimWatchErrors: (count = 1) => watchErrors.inc(count),
    register(registry) {
      if (!registry) return;
      for (const m of [events, dropped, bySeverity, exported, failures, queue, watches, watchErrors]) registry.registerMetric(m);
    },
    totals: () => ({ ...t, droppedByReason: { ...byReason } }),
  };
}
