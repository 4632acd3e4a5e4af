import type { HostFs } from '../host/hostfs.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { CommandRunner } from '../host/commands.js';

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

export interface TableSpec {
  name: string;
  /** Columns that identify a row; drift is computed per key. */
  key: string[];
  description: string;
  /** Compared with the previous refresh to emit drift events. */
  drift?: boolean;
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
