import type { DriftPolicy, FactRow, FactTable, FactValue, TableObserver, TableSpec } from '../collectors/types.js';
import type { EventAttributes, EventSink, SecurityEvent } from '../events/types.js';
import type { Logger } from '../util/logger.js';
import { BaselineStore } from './baseline-store.js';
import { driftBody, semconvAttributes } from './describe.js';
import { attributeMap, sameValue } from './values.js';
import { redactFactValue } from '../util/redact.js';

export interface DriftChange {
  kind: 'added' | 'removed' | 'changed';
  key: Record<string, FactValue>;
  /** Non-key, non-volatile columns that differ (changed only). */
  columns: string[];
  before: FactRow | null;
  after: FactRow | null;
}

function keyOf(key: string[], row: FactRow): string {
  // Through the value codec's view: unlimited, unknown and absent stay distinct keys.
  return JSON.stringify(key.map((k) => {
    const v = row[k];
    return typeof v === 'number' && !Number.isFinite(v) ? `\0${v}` : v ?? null;
  }));
}

/** Columns that never show in drift: volatile ones, and those that must not leave the host. */
function unreported(spec: TableSpec): Set<string> {
  return new Set([...(spec.volatile ?? []), ...(spec.hostOnly ?? [])]);
}

/** The policy a spec declares (`true` is drift on the key), or null for none. */
export function policyOf(spec: TableSpec): Exclude<DriftPolicy, { on: 'none' }> | null {
  if (spec.drift === undefined) return null;
  if (spec.drift === true) return { on: 'identity' };
  return spec.drift.on === 'none' ? null : spec.drift;
}

/** Compares two refreshes of one table by key, ignoring volatile and host-only columns. Pure. */
export function diffTable(spec: TableSpec, before: FactRow[], after: FactRow[]): DriftChange[] {
  const volatile = unreported(spec);
  const keys = new Set(spec.key);
  const old = new Map(before.map((r) => [keyOf(spec.key, r), r]));
  const changes: DriftChange[] = [];
  const seen = new Set<string>();
  const keyRecord = (r: FactRow) => Object.fromEntries(spec.key.map((k) => [k, r[k] ?? null]));
  for (const row of after) {
    const k = keyOf(spec.key, row);
    if (seen.has(k)) continue; // duplicate keys: the first row stands for the key
    seen.add(k);
    const prev = old.get(k);
    if (!prev) {
      changes.push({ kind: 'added', key: keyRecord(row), columns: [], before: null, after: row });
      continue;
    }
    const columns = [...new Set([...Object.keys(prev), ...Object.keys(row)])]
      .filter((c) => !keys.has(c) && !volatile.has(c) && !sameValue(prev[c], row[c]))
      .sort();
    if (columns.length > 0) changes.push({ kind: 'changed', key: keyRecord(row), columns, before: prev, after: row });
  }
  for (const [k, row] of old) {
    if (!seen.has(k)) changes.push({ kind: 'removed', key: keyRecord(row), columns: [], before: row, after: null });
  }
  return changes;
}

type Aggregate = Extract<DriftPolicy, { on: 'aggregate' }>;

/** Kept with each group of an aggregate: when one of its rows was last seen (seconds). Never shown. */
export const LAST_SEEN = 'last_seen';

/** The table an aggregate policy compares: one row per group (its identity and count). */
export function aggregateSpec(spec: TableSpec, policy: Aggregate): TableSpec {
  return { name: spec.name, key: policy.by, description: spec.description, volatile: [policy.count, LAST_SEEN] };
}

/**
 * Groups rows by their identity, with a count. A group that is not in `known` (the
 * baseline) is kept only once it has settled (one row old enough), so short-lived rows
 * never make drift; a known group stays while any of its rows is left, and for the settle
 * time after the last one went (a daemon restarted, a tool run now and then).
 */
export function aggregateRows(policy: Aggregate, rows: FactRow[], at: number, known: FactRow[] | null): FactRow[] {
  const knownKeys = new Set((known ?? []).map((r) => keyOf(policy.by, r)));
  const groups = new Map<string, { row: FactRow; settled: boolean }>();
  const settleColumn = policy.settle?.column;
  const settleBefore = policy.settle ? at / 1000 - policy.settle.seconds : Infinity;
  for (const r of rows) {
    const id = policy.identity(r);
    if (!id) continue;
    const k = keyOf(policy.by, id);
    let g = groups.get(k);
    if (!g) {
      g = { row: { ...Object.fromEntries(policy.by.map((c) => [c, id[c] ?? null])), [policy.count]: 0 }, settled: !settleColumn };
      groups.set(k, g);
    }
    g.row[policy.count] = (g.row[policy.count] as number) + 1;
    if (settleColumn) {
      const start = r[settleColumn];
      if (typeof start !== 'number' || start <= settleBefore) g.settled = true;
    }
  }
  const now = Math.floor(at / 1000);
  const out = new Map<string, FactRow>();
  for (const [k, g] of groups) if (g.settled || knownKeys.has(k)) out.set(k, policy.settle ? { ...g.row, [LAST_SEEN]: now } : g.row);
  if (policy.settle) {
    for (const r of known ?? []) {
      const k = keyOf(policy.by, r);
      const seen = r[LAST_SEEN];
      if (!out.has(k) && typeof seen === 'number' && now - seen < policy.settle.seconds) out.set(k, r);
    }
  }
  return [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
}

function redactRow(row: FactRow): FactRow {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, redactFactValue(v)]));
}

export interface DifferOptions {
  sink: EventSink;
  stateDir: string;
  log: Logger;
  /** Drift events per table and refresh; the rest become one summary event. */
  maxPerTable: number;
}

/**
 * Baseline drift, like osquery's differential results: each refresh of a drift table is
 * compared with the previous one (kept in memory and in the state directory, so a restart
 * does not announce the whole host again), following the table's drift policy. The first
 * run ever only sends a snapshot count.
 */
export class DriftDiffer implements TableObserver {
  private readonly store: BaselineStore;
  private readonly last = new Map<string, FactRow[]>();

  constructor(private readonly o: DifferOptions) {
    this.store = new BaselineStore(o.stateDir, o.log);
  }

  onTables(collector: string, specs: TableSpec[], tables: FactTable[], at: number): void {
    for (const spec of specs) {
      const policy = policyOf(spec);
      if (!policy) continue;
      const table = tables.find((t) => t.name === spec.name);
      if (!table) continue;
      try {
        this.onTable(collector, spec, policy, table.rows, at);
      } catch (err) {
        this.o.log.error('drift comparison failed', { collector, table: spec.name, err: (err as Error).message });
      }
    }
  }

  private onTable(collector: string, table: TableSpec, policy: Exclude<DriftPolicy, { on: 'none' }>, raw: FactRow[], at: number): void {
    const id = `${collector}/${table.name}`;
    const spec = policy.on === 'aggregate' ? aggregateSpec(table, policy) : table;
    let before = this.last.get(id) ?? null;
    if (before === null) before = this.store.load(collector, spec.name, spec.key);
    const rows = policy.on === 'aggregate' ? aggregateRows(policy, raw, at, before) : raw;
    const base: EventAttributes = { 'hostbaseline.collector': collector, 'hostbaseline.table': spec.name };
    if (before === null) {
      this.emit({
        name: 'hostbaseline.drift.snapshot',
        severity: 'INFO',
        time: at,
        attributes: { ...base, 'hostbaseline.drift.rows': rows.length },
        body: `${spec.name} baseline recorded: ${rows.length} rows`,
      });
      this.remember(id, collector, spec, rows, at);
      return;
    }
    const changes = diffTable(spec, before, rows);
    if (changes.length === 0) {
      this.last.set(id, rows);
      return;
    }
    // An aggregate's count is shown with its group, though it never makes drift by itself.
    const hidden = policy.on === 'aggregate' ? new Set([LAST_SEEN]) : unreported(spec);
    const shown = changes.slice(0, this.o.maxPerTable);
    for (const c of shown) this.emit(this.event(spec, base, hidden, c, at));
    if (changes.length > shown.length) {
      const count = (k: DriftChange['kind']) => changes.filter((c) => c.kind === k).length;
      this.emit({
        name: 'hostbaseline.drift.summary',
        severity: 'INFO',
        time: at,
        attributes: {
          ...base,
          'hostbaseline.drift.added': count('added'),
          'hostbaseline.drift.removed': count('removed'),
          'hostbaseline.drift.changed': count('changed'),
          'hostbaseline.drift.not_sent': changes.length - shown.length,
        },
        body: `${spec.name}: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed; ${changes.length - shown.length} not sent one by one`,
      });
      this.o.sink.dropped('drift', 'per_table_cap', changes.length - shown.length);
    }
    this.remember(id, collector, spec, rows, at);
  }

  private event(spec: TableSpec, base: EventAttributes, hidden: Set<string>, change: DriftChange, at: number): SecurityEvent {
    // Every value that leaves in the event (key, row, old and new, semantic names, body) goes through the redaction rules.
    const c: DriftChange = { ...change, key: redactRow(change.key), before: change.before && redactRow(change.before), after: change.after && redactRow(change.after) };
    const attrs: EventAttributes = { ...base, 'hostbaseline.drift.key': attributeMap(c.key, spec.key) };
    const row = (c.after ?? c.before)!;
    semconvAttributes(spec.name, row, attrs);
    if (c.kind === 'changed') {
      attrs['hostbaseline.drift.changed_columns'] = c.columns;
      attrs['hostbaseline.drift.old'] = attributeMap(c.before!, c.columns);
      attrs['hostbaseline.drift.new'] = attributeMap(c.after!, c.columns);
    } else {
      attrs['hostbaseline.drift.row'] = attributeMap(row, Object.keys(row).filter((k) => !hidden.has(k)).sort());
    }
    return {
      name: `hostbaseline.drift.${c.kind}`,
      severity: 'INFO',
      time: at,
      attributes: attrs,
      body: driftBody(c.kind, spec.name, spec.key, row, c.before ?? undefined, c.columns),
    };
  }

  private emit(e: SecurityEvent): void {
    this.o.sink.emit('drift', e);
  }

  private remember(id: string, collector: string, spec: TableSpec, rows: FactRow[], at: number): void {
    this.last.set(id, rows);
    try {
      this.store.save(collector, spec.name, spec.key, rows, at);
    } catch (err) {
      this.o.log.warn('cannot save the drift baseline', { collector, table: spec.name, err: (err as Error).message });
    }
  }
}
