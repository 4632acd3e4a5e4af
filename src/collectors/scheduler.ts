import type { HostFs } from '../host/hostfs.js';
import type { CommandRunner } from '../host/commands.js';
import type { Catalog, CatalogFamily } from '../metrics/catalog.js';
import { renderTables } from '../metrics/exposition.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { columnMismatch, DEFAULT_LIMITS, type CollectContext, type CollectorConfig, type CollectorSpec, type CollectorState, type FactRow, type FactTable, type RowLimits, type TableObserver, type TableSpec } from './types.js';

export type { CollectorConfig, CollectorState, TableObserver } from './types.js';

export interface SchedulerDeps {
  specs: CollectorSpec[];
  configs: Map<string, CollectorConfig>;
  catalog: Catalog;
  fs: HostFs;
  clock: Clock;
  log: Logger;
  commands: CommandRunner;
  /** Collectors that may run at once. */
  concurrency?: number;
  /** Bounds of one refresh (defaults: DEFAULT_LIMITS). */
  limits?: Partial<RowLimits>;
  observer?: TableObserver;
  /** Source of jitter in [0, 1); injected for deterministic tests. */
  random?: () => number;
  /**
   * Fail a run whose rows do not fit their table's declared columns (tests and golden runs
   * switch it on; in production a column slip must not cost a collector its facts).
   */
  checkColumns?: boolean;
}

class TimeoutError extends Error {}

/** Sorts rows by their key so output and drift are stable whatever order the host lists things in. */
export function sortRows(table: FactTable, spec: TableSpec | undefined): FactTable {
  if (!spec || spec.key.length === 0) return table;
  const keyOf = (r: FactRow) => spec.key.map((k) => String(r[k] ?? '')).join('\u0000');
  const keyed = table.rows.map((r) => [keyOf(r), r] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { name: table.name, rows: keyed.map(([, r]) => r) };
}

/**
 * Runs each enabled collector on its own schedule (interval with jitter), each
 * run bounded by a timeout and a shared concurrency limit. Results are cached
 * and rendered once per refresh; scrapes read the cache and never wait.
 */
export class Scheduler {
  private readonly states = new Map<string, CollectorState>();
  private readonly familiesByCollector = new Map<string, CatalogFamily[]>();
  private readonly memos = new Map<string, Map<string, unknown>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  private readonly stopController = new AbortController();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private stopped = false;
  /** Bumped whenever any state changes; the server re-renders lazily when it moves. */
  version = 0;

  constructor(private readonly deps: SchedulerDeps) {
    for (const f of deps.catalog.families) {
      const list = this.familiesByCollector.get(f.collector) ?? [];
      list.push(f);
      this.familiesByCollector.set(f.collector, list);
    }
    for (const spec of deps.specs) {
      const config = deps.configs.get(spec.name);
      if (!config?.enabled) continue;
      this.states.set(spec.name, {
        spec,
        config,
        runs: 0,
        success: null,
        lastDurationMs: 0,
        lastSuccessAt: null,
        errorsTotal: 0,
        parseErrorsTotal: 0,
        droppedTotal: 0,
        cappedTotal: 0,
        lastError: null,
        tables: null,
        rendered: null,
        inFlight: false,
      });
    }
  }

  /** Enabled collectors in name order. */
  list(): CollectorState[] {
    return [...this.states.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
  }

  get(name: string): CollectorState | undefined {
    return this.states.get(name);
  }

  /** Ready once every enabled collector has finished one run. */
  ready(): boolean {
    for (const s of this.states.values()) if (s.runs === 0) return false;
    return true;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the refresh loops; the first runs are spread over a short jitter. */
  start(): void {
    const random = this.deps.random ?? Math.random;
    for (const s of this.states.values()) {
      this.schedule(s, Math.floor(random() * Math.min(1000, s.config.interval / 10)));
    }
  }

  private schedule(s: CollectorState, delay: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      void this.runOne(s).finally(() => {
        const random = this.deps.random ?? Math.random;
        // ±10% jitter keeps collectors with the same interval from running in lockstep.
        const jitter = (random() * 0.2 - 0.1) * s.config.interval;
        this.schedule(s, Math.max(0, s.config.interval + jitter));
      });
    }, delay);
    t.unref?.();
    this.timers.set(s.spec.name, t);
  }

  /** Stops scheduling and aborts collectors that are running. */
  stop(): void {
    this.stopped = true;
    this.stopController.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Runs every enabled collector once (the `collect` subcommand, tests). */
  async runAll(): Promise<void> {
    await Promise.all([...this.states.values()].map((s) => this.runOne(s)));
  }

  async runNow(name: string): Promise<CollectorState> {
    const s = this.states.get(name);
    if (!s) throw new Error(`collector ${name} is not enabled`);
    await this.runOne(s);
    return s;
  }

  private async acquire(): Promise<void> {
    const limit = this.deps.concurrency ?? 4;
    if (this.active < limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private async runOne(s: CollectorState): Promise<void> {
    const { spec, config } = s;
    const log = this.deps.log.child({ collector: spec.name });
    if (s.inFlight) {
      // A hung run is never stacked on: the collector keeps failing until it settles.
      this.fail(s, 0, 'previous run has not finished', log);
      return;
    }
    await this.acquire();
    const started = this.deps.clock.now();
    const t0 = performance.now();
    const ac = new AbortController();
    const onStop = () => ac.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    let parseErrors = 0;
    const capped = { items: 0, sources: new Set<string>() };
    const limits = this.limits;
    const ctx: CollectContext = {
      fs: this.deps.fs,
      clock: this.deps.clock,
      log,
      options: config.options,
      signal: ac.signal,
      commands: this.deps.commands,
      memo: this.memoOf(spec.name),
      parseError: (source, reason) => {
        parseErrors++;
        if (parseErrors <= 10) log.warn('skipped a malformed record', { source, reason });
      },
      limits,
      capped: (source, kept, total) => {
        capped.items += Math.max(0, total - kept);
        if (capped.sources.has(source)) return;
        capped.sources.add(source);
        log.warn('capped: items left out by a limit', { source, kept, total });
      },
    };
    s.inFlight = true;
    const work = (async () => spec.collect(ctx))();
    void work.then(
      () => (s.inFlight = false),
      () => (s.inFlight = false),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new TimeoutError(`timed out after ${config.timeout} ms`));
      }, config.timeout);
    });
    try {
      const tables = await Promise.race([work, timeout]);
      const elapsed = (performance.now() - t0) / 1000;
      this.succeed(s, tables, started, elapsed, parseErrors, log, capped.items);
    } catch (err) {
      const elapsed = (performance.now() - t0) / 1000;
      s.parseErrorsTotal += parseErrors;
      s.cappedTotal += capped.items;
      this.fail(s, elapsed, err instanceof Error ? err.message : String(err), log);
    } finally {
      clearTimeout(timer);
      this.stopController.signal.removeEventListener('abort', onStop);
      this.release();
    }
  }

  get limits(): RowLimits {
    return { ...DEFAULT_LIMITS, ...this.deps.limits };
  }

  /**
   * The last line of defence of the row limit: a table longer than it keeps its first rows
   * in key order. Collectors bound their sources before the work grows; this bounds what a
   * collector that did not (or could not) still hands on to rendering and drift.
   */
  private capRows(t: FactTable, s: CollectorState, log: Logger): FactTable {
    const max = this.limits.rows;
    if (t.rows.length <= max) return t;
    s.cappedTotal += t.rows.length - max;
    log.warn('capped: table rows left out by a limit', { table: t.name, kept: max, total: t.rows.length });
    return { name: t.name, rows: t.rows.slice(0, max) };
  }

  private memoOf(name: string): Map<string, unknown> {
    let m = this.memos.get(name);
    if (!m) this.memos.set(name, (m = new Map()));
    return m;
  }

  private succeed(
    s: CollectorState,
    raw: FactTable[],
    at: number,
    elapsed: number,
    parseErrors: number,
    log: Logger,
    cappedItems: number,
  ): void {
    const specs = new Map(s.spec.tables.map((t) => [t.name, t]));
    for (const t of raw) {
      if (!specs.has(t.name)) return this.fail(s, elapsed, `returned undeclared table "${t.name}"`, log);
    }
    if (this.deps.checkColumns) {
      for (const t of raw) {
        for (const row of t.rows) {
          const why = columnMismatch(specs.get(t.name)!, row);
          if (why) return this.fail(s, elapsed, `table ${t.name}: ${why}`, log);
        }
      }
    }
    s.cappedTotal += cappedItems;
    const tables = raw.map((t) => {
      const spec = specs.get(t.name);
      const sorted = sortRows(t, spec);
      return spec?.boundedBy ? sorted : this.capRows(sorted, s, log);
    });
    const families = this.familiesByCollector.get(s.spec.name) ?? [];
    const rendered = renderTables(families, tables, s.config.maxSeries);
    if (rendered.dropped > 0) log.debug('series dropped by cap', { dropped: rendered.dropped });
    s.runs++;
    s.success = true;
    s.lastError = null;
    s.lastDurationMs = elapsed * 1000;
    s.lastSuccessAt = at;
    s.parseErrorsTotal += parseErrors;
    s.droppedTotal += rendered.dropped;
    s.tables = tables;
    s.rendered = rendered;
    log.debug('collector refreshed', { duration_seconds: elapsed.toFixed(4), series: rendered.series });
    try {
      this.deps.observer?.onTables(s.spec.name, s.spec.tables, tables, at);
    } catch (err) {
      log.error('table observer failed', { err: (err as Error).message });
    }
    this.changed();
  }

  private fail(s: CollectorState, elapsed: number, message: string, log: Logger): void {
    s.runs++;
    s.success = false;
    s.errorsTotal++;
    s.lastError = message;
    s.lastDurationMs = elapsed * 1000;
    log.error('collector failed', { err: message });
    this.changed();
  }
}
