import type { CollectorState } from '../collectors/scheduler.js';
import type { Area, FactRow, FactTable } from '../collectors/types.js';
import { findRisks, type Risk } from './risks.js';

/**
 * The host report: one model behind the page at `/`, its JSON at `/report.json`, and
 * `collect --format json`. It is built from the tables the scrape serves (the scheduler's
 * cache), so a page view never reads the host.
 */
export interface HostReport {
  /** When the model was built (ISO 8601). */
  generatedAt: string;
  /** The most recent successful refresh of any collector (ISO 8601), null before the first. */
  lastRefresh: string | null;
  identity: Identity;
  risks: Risk[];
  areas: AreaFacts[];
  collectors: CollectorHealth[];
}

export interface Identity {
  hostname: string | null;
  os: string | null;
  kernel: string | null;
  uptimeSeconds: number | null;
  bootTime: string | null;
  /** Hardware or virtual platform (DMI vendor and product). */
  platform: string | null;
  /** Cloud provider and instance type, when a cloud collector saw one. */
  cloud: string | null;
  /** Container engine and version, or why it is not up. */
  containerEngine: string | null;
  machineId: string | null;
}

export interface ReportTable {
  collector: string;
  area: Area;
  name: string;
  description: string;
  key: string[];
  /** Columns in first-seen order over the rows. */
  columns: string[];
  rows: FactRow[];
}

export interface AreaFacts {
  area: Area;
  tables: ReportTable[];
}

export interface CollectorHealth {
  name: string;
  area: Area;
  status: 'ok' | 'failed' | 'pending';
  lastSuccess: string | null;
  durationMs: number;
  series: number;
  lastError: string | null;
}

export interface FactOptions {
  /**
   * Keep the columns a table marks host-only (a process's command line). `collect`, run by
   * root on the host itself, shows them; whatever is served over the network never does.
   */
  hostOnly: boolean;
}

/** The tables of one collector's last good refresh, in spec order, as the report shows them. */
export function factTables(state: CollectorState, opts: FactOptions): ReportTable[] {
  const specs = new Map(state.spec.tables.map((t) => [t.name, t]));
  return (state.tables ?? []).map((t: FactTable) => {
    const spec = specs.get(t.name);
    const hidden = new Set(opts.hostOnly ? [] : (spec?.hostOnly ?? []));
    const rows = hidden.size === 0 ? t.rows : t.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !hidden.has(k))));
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return { collector: state.spec.name, area: state.spec.area, name: t.name, description: spec?.description ?? '', key: spec?.key ?? [], columns, rows };
  });
}

/** `{collector: {table: rows}}` or `{collector: {error}}`: the shape `collect --format json` prints. */
export function factsAsJson(states: CollectorState[], opts: FactOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of states) {
    if (!s.success) out[s.spec.name] = { error: s.lastError };
    else out[s.spec.name] = Object.fromEntries(factTables(s, opts).map((t) => [t.name, t.rows]));
  }
  return out;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

function firstRow(states: Map<string, CollectorState>, collector: string, table: string): FactRow | undefined {
  return states.get(collector)?.tables?.find((t) => t.name === table)?.rows[0];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function identityOf(list: CollectorState[]): Identity {
  const states = new Map(list.map((s) => [s.spec.name, s]));
  const id = firstRow(states, 'identity', 'host_identity');
  const os = firstRow(states, 'os_release', 'os_release');
  const kernel = firstRow(states, 'kernel', 'kernel');
  const up = firstRow(states, 'uptime', 'uptime');
  const dmi = firstRow(states, 'dmi', 'dmi');
  const platform = [str(dmi?.sys_vendor), str(dmi?.product_name)].filter(Boolean).join(' ') || null;
  let cloud: string | null = null;
  for (const [name, s] of states) {
    if (!name.startsWith('cloud_')) continue;
    const row = s.tables?.find((t) => t.name === 'cloud_instance')?.rows[0];
    if (row) cloud = [str(row.provider) ?? name.slice('cloud_'.length), str(row.instance_type), str(row.region)].filter(Boolean).join(' ');
  }
  const engine = firstRow(states, 'docker', 'docker_engine');
  let containerEngine: string | null = null;
  if (engine) containerEngine = engine.up === true ? ['Docker', str(engine.version)].filter(Boolean).join(' ') : `Docker not running (${str(engine.reason) ?? 'unknown'})`;
  const bootSeconds = num(up?.boot_time_seconds);
  return {
    hostname: str(id?.hostname),
    os: str(os?.pretty_name) ?? ([str(os?.name), str(os?.version)].filter(Boolean).join(' ') || null),
    kernel: str(kernel?.release),
    uptimeSeconds: num(up?.uptime_seconds),
    bootTime: bootSeconds === null ? null : iso(bootSeconds * 1000),
    platform,
    cloud,
    containerEngine,
    machineId: str(id?.machine_id),
  };
}

function healthOf(s: CollectorState): CollectorHealth {
  return {
    name: s.spec.name,
    area: s.spec.area,
    status: s.success === null ? 'pending' : s.success ? 'ok' : 'failed',
    lastSuccess: iso(s.lastSuccessAt),
    durationMs: Math.round(s.lastDurationMs),
    series: s.rendered?.series ?? 0,
    lastError: s.lastError,
  };
}

/** Areas in the order a responder reads a host: what runs on it, who can log in, what it exposes. */
const AREA_ORDER: Area[] = ['system', 'software', 'users', 'network', 'services', 'processes', 'files', 'security', 'containers', 'configuration', 'supply_chain', 'devices', 'browsers', 'cloud'];

export function buildReport(states: CollectorState[], now: number): HostReport {
  const tables = states.flatMap((s) => factTables(s, { hostOnly: false }));
  const areas = AREA_ORDER.map((area) => ({ area, tables: tables.filter((t) => t.area === area) })).filter((a) => a.tables.length > 0);
  const last = Math.max(...states.map((s) => s.lastSuccessAt ?? -Infinity));
  return {
    generatedAt: new Date(now).toISOString(),
    lastRefresh: Number.isFinite(last) ? iso(last) : null,
    identity: identityOf(states),
    risks: findRisks(tables, states.map(healthOf)),
    areas,
    collectors: [...states].map(healthOf).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}
