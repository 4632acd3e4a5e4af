import type { TableObserver } from '../collectors/types.js';
import type { FactRow, FactTable, FactValue, TableSpec } from '../collectors/types.js';
import type { EventAttributes, EventSink, SecurityEvent } from '../events/types.js';
import type { Logger } from '../util/logger.js';
import { BaselineStore } from './baseline-store.js';

export interface DriftChange {
  kind: 'added' | 'removed' | 'changed';
  key: Record<string, FactValue>;
  /** Non-key, non-volatile columns that differ (changed only). */
  columns: string[];
  before: FactRow | null;
  after: FactRow | null;
}

function keyOf(spec: TableSpec, row: FactRow): string {
  return JSON.stringify(spec.key.map((k) => row[k] ?? null));
}

/** Columns that never show in drift: volatile ones, and those that must not leave the host. */
function unreported(spec: TableSpec): Set<string> {
  return new Set([...(spec.volatile ?? []), ...(spec.hostOnly ?? [])]);
}

/** Compares two refreshes of one table by key, ignoring volatile and host-only columns. Pure. */
export function diffTable(spec: TableSpec, before: FactRow[], after: FactRow[]): DriftChange[] {
  const volatile = unreported(spec);
  const keys = new Set(spec.key);
  const old = new Map(before.map((r) => [keyOf(spec, r), r]));
  const changes: DriftChange[] = [];
  const seen = new Set<string>();
  const keyRecord = (r: FactRow) => Object.fromEntries(spec.key.map((k) => [k, r[k] ?? null]));
  for (const row of after) {
    const k = keyOf(spec, row);
    if (seen.has(k)) continue; // duplicate keys: the first row stands for the key
    seen.add(k);
    const prev = old.get(k);
    if (!prev) {
      changes.push({ kind: 'added', key: keyRecord(row), columns: [], before: null, after: row });
      continue;
    }
    const columns = [...new Set([...Object.keys(prev), ...Object.keys(row)])]
      .filter((c) => !keys.has(c) && !volatile.has(c) && (prev[c] ?? null) !== (row[c] ?? null))
      .sort();
    if (columns.length > 0) changes.push({ kind: 'changed', key: keyRecord(row), columns, before: prev, after: row });
  }
  for (const [k, row] of old) {
    if (!seen.has(k)) changes.push({ kind: 'removed', key: keyRecord(row), columns: [], before: row, after: null });
  }
  return changes;
}

function pick(row: FactRow, columns: string[]): Record<string, FactValue> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
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
 * does not announce the whole host again). The first run ever only sends a snapshot count.
 */
export class DriftDiffer implements TableObserver {
  private readonly store: BaselineStore;
  private readonly last = new Map<string, FactRow[]>();

  constructor(private readonly o: DifferOptions) {
    this.store = new BaselineStore(o.stateDir);
  }

  onTables(collector: string, specs: TableSpec[], tables: FactTable[], at: number): void {
    for (const spec of specs) {
      if (!spec.drift || spec.key.length === 0) continue;
      const table = tables.find((t) => t.name === spec.name);
      if (!table) continue;
      try {
        this.onTable(collector, spec, table.rows, at);
      } catch (err) {
        this.o.log.error('drift comparison failed', { collector, table: spec.name, err: (err as Error).message });
      }
    }
  }

  private onTable(collector: string, spec: TableSpec, rows: FactRow[], at: number): void {
    const id = `${collector}/${spec.name}`;
    let before = this.last.get(id) ?? null;
    if (before === null) before = this.store.load(collector, spec.name);
    const base: EventAttributes = { 'hostbaseline.collector': collector, 'hostbaseline.table': spec.name };
    if (before === null) {
      this.emit({ name: 'hostbaseline.drift.snapshot', severity: 'INFO', time: at, attributes: { ...base, 'hostbaseline.drift.rows': rows.length } });
      this.remember(id, collector, spec.name, rows, at);
      return;
    }
    const changes = diffTable(spec, before, rows);
    if (changes.length === 0) {
      this.last.set(id, rows);
      return;
    }
    const volatile = unreported(spec);
    const shown = changes.slice(0, this.o.maxPerTable);
    for (const c of shown) {
      const attrs: EventAttributes = { ...base, 'hostbaseline.drift.key': JSON.stringify(c.key) };
      if (c.kind === 'changed') {
        attrs['hostbaseline.drift.changed_columns'] = c.columns;
        attrs['hostbaseline.drift.old'] = JSON.stringify(pick(c.before!, c.columns));
        attrs['hostbaseline.drift.new'] = JSON.stringify(pick(c.after!, c.columns));
      } else {
        const row = (c.after ?? c.before)!;
        attrs['hostbaseline.drift.row'] = JSON.stringify(pick(row, Object.keys(row).filter((k) => !volatile.has(k)).sort()));
      }
      this.emit({ name: `hostbaseline.drift.${c.kind}`, severity: 'WARN', time: at, attributes: attrs });
    }
    if (changes.length > shown.length) {
      const count = (k: DriftChange['kind']) => changes.filter((c) => c.kind === k).length;
      this.emit({
        name: 'hostbaseline.drift.summary',
        severity: 'WARN',
        time: at,
        attributes: {
          ...base,
          'hostbaseline.drift.added': count('added'),
          'hostbaseline.drift.removed': count('removed'),
          'hostbaseline.drift.changed': count('changed'),
          'hostbaseline.drift.not_sent': changes.length - shown.length,
        },
      });
      this.o.sink.dropped('drift', 'per_table_cap', changes.length - shown.length);
    }
    this.remember(id, collector, spec.name, rows, at);
  }

  private emit(e: SecurityEvent): void {
    this.o.sink.emit('drift', e);
  }

  private remember(id: string, collector: string, table: string, rows: FactRow[], at: number): void {
    this.last.set(id, rows);
    try {
      this.store.save(collector, table, rows, at);
    } catch (err) {
      this.o.log.warn('cannot save the drift baseline', { collector, table, err: (err as Error).message });
    }
  }
}
