import type { HostFs } from '../host/hostfs.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { CommandRunner } from '../host/commands.js';
import type { RenderedCollector } from '../metrics/exposition.js';

/** A fact value. Booleans become 1/0 when used as a metric value. */
export type FactValue = string | number | boolean | null;
export type FactRow = Record<string, FactValue>;

/** A keyed table of facts, like an osquery table. */
export interface FactTable {
  name: string;
  rows: FactRow[];
}

export type Area =
  | 'system'
  | 'software'
  | 'supply_chain'
  | 'configuration'
  | 'users'
  | 'network'
  | 'services'
  | 'processes'
  | 'files'
  | 'security'
  | 'containers'
  | 'devices'
  | 'browsers'
  | 'cloud';

/** What a column holds; null is allowed in every type (unknown on this host). */
export type ColumnType = 'string' | 'int' | 'float' | 'bool';

/** One declared column of a table, like a column of an osquery table spec. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** One line: what the value means, with its unit. */
  description: string;
}

export interface TableSpec {
  name: string;
  /**
   * Every column of the table's rows. The catalog test checks metric labels and values
   * against them, docs/collectors/*.md lists them, and tests run the scheduler with
   * `checkColumns` so a row with an undeclared column or a value of another type fails.
   */
  columns?: ColumnSpec[];
  /** Columns that identify a row; drift is computed per key. */
  key: string[];
  description: string;
  /**
   * How refreshes are compared to emit drift events (docs/events.md, "Drift policies").
   * `true` is `{ on: 'identity' }`: rows are compared by `key`, a stable identity.
   * Absent: no drift.
   */
  drift?: true | DriftPolicy;
  /** Columns left out of drift "changed" detection (counters, timestamps). */
  volatile?: string[];
  /**
   * Columns shown by `collect` on this host but never put into drift events, which leave
   * the host (a command line may hold a password whatever redaction guesses).
   */
  hostOnly?: string[];
  /**
   * The collector option that bounds this table's rows itself (file_hashes' max_files): the
   * table is then not cut to --collector.max-rows.
   */
  boundedBy?: string;
}

/**
 * Drift on a stable identity (the key), on an aggregate (rows grouped by columns that
 * survive restarts, with a count), or none. `why` says what made the choice.
 */
export type DriftPolicy =
  | { on: 'identity'; why?: string }
  | {
      on: 'aggregate';
      /** Identity columns of a group; `identity` fills them from a row. */
      by: string[];
      /** The group a row belongs to (values for `by`), or null to leave the row out. */
      identity(row: FactRow): FactRow | null;
      /** Column that carries the number of rows in a group (shown, never drift by itself). */
      count: string;
      /**
       * A group not in the baseline is news only once one of its rows is this old: a
       * short-lived row never makes drift. A group already in the baseline stays while any
       * row is left, and this long after the last one went. `column` holds the row's start
       * in seconds since the epoch; without it a new group is news at once.
       */
      settle?: { column?: string; seconds: number };
      why: string;
    }
  | { on: 'none'; why: string };

export type OptionType = 'string' | 'int' | 'bool' | 'duration' | 'strings';
export type OptionValue = string | number | boolean | string[];

export interface OptionSpec {
  name: string;
  type: OptionType;
  default: OptionValue;
  help: string;
}

/**
 * Bounds on how much of the host one refresh takes in, so work and memory never grow with
 * a huge or hostile host (100,000 accounts, 100,000 processes). What a bound leaves out is
 * reported through `CollectContext.capped`.
 */
export interface RowLimits {
  /** Rows of one table, and items of one source listing (accounts, processes), at most. */
  rows: number;
  /** User home directories looked into by the per-user collectors, at most. */
  homes: number;
}

export const DEFAULT_LIMITS: RowLimits = { rows: 10_000, homes: 1_000 };

export interface CollectContext {
  fs: HostFs;
  clock: Clock;
  log: Logger;
  /** Resolved options of this collector (defaults, config file, flags). */
  options: Readonly<Record<string, OptionValue>>;
  /** Aborted when the collector's timeout expires or the exporter stops. */
  signal: AbortSignal;
  /** Runs programs such as `iptables-save`; injected so tests can replace it. */
  commands: CommandRunner;
  /** Memory that survives between refreshes of this collector (caches). */
  memo: Map<string, unknown>;
  /** A record that could not be parsed: counted and logged, the rest is kept. */
  parseError(source: string, reason: string): void;
  limits: Readonly<RowLimits>;
  /**
   * A limit left items of `source` out: `kept` of `total` were used. Counted in
   * hostbaseline_rows_capped_total and logged once per source and refresh.
   */
  capped(source: string, kept: number, total: number): void;
}

export interface CollectorSpec {
  /** snake_case, used in flags (`--collector.<name>`) and labels. */
  name: string;
  area: Area;
  description: string;
  defaultEnabled: boolean;
  /** Refresh interval in milliseconds. */
  interval: number;
  /** Timeout of one refresh in milliseconds. */
  timeout: number;
  tables: TableSpec[];
  options?: OptionSpec[];
  collect(ctx: CollectContext): Promise<FactTable[]>;
}

/** Declares a collector; a typed identity function so specs read as data. */
export function defineCollector(spec: CollectorSpec): CollectorSpec {
  return spec;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/**
 * Why a row does not fit its table's declared columns (an undeclared column, a missing
 * one, a value of another type), or null when it fits or the table declares none.
 */
export function columnMismatch(spec: TableSpec, row: FactRow): string | null {
  if (!spec.columns) return null;
  const declared = new Map(spec.columns.map((c) => [c.name, c.type]));
  for (const [name, value] of Object.entries(row)) {
    const type = declared.get(name);
    if (!type) return `column ${name} is not declared`;
    if (value === null) continue;
    const ok =
      type === 'string' ? typeof value === 'string' : type === 'bool' ? typeof value === 'boolean' : typeof value === 'number' && (type === 'float' || Number.isInteger(value));
    if (!ok) return `column ${name} is declared ${type} but holds ${JSON.stringify(value)}`;
  }
  for (const name of declared.keys()) if (!(name in row)) return `column ${name} is missing`;
  return null;
}

export interface CollectorConfig {
  enabled: boolean;
  interval: number;
  timeout: number;
  /** Overrides the cap of every per-item family of this collector. */
  maxSeries?: number;
  options: Record<string, OptionValue>;
}

export interface CollectorState {
  spec: CollectorSpec;
  config: CollectorConfig;
  runs: number;
  /** Outcome of the last run; null before the first one ends. */
  success: boolean | null;
  lastDurationMs: number;
  lastSuccessAt: number | null;
  errorsTotal: number;
  parseErrorsTotal: number;
  droppedTotal: number;
  /** Rows and source items left out by the row limits (RowLimits), added up over refreshes. */
  cappedTotal: number;
  lastError: string | null;
  /** The last good result, served until a newer good one replaces it. */
  tables: FactTable[] | null;
  rendered: RenderedCollector | null;
  /** A run whose promise has not settled (possibly after its timeout). */
  inFlight: boolean;
}

/** Receives every successful refresh: the drift differ listens here. */
export interface TableObserver {
  onTables(collector: string, specs: TableSpec[], tables: FactTable[], at: number): void;
}
