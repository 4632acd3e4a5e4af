import type { EventMetrics } from './metrics.js';
import type { AttributeValue, EventSeverity, EventSink, EventSourceName, SecurityEvent } from './types.js';

/**
 * Severity by risk: one table, read top to bottom, the first matching rule decides (like
 * Falco's rule priorities). An event no rule matches keeps the severity its source gave
 * it (the catalog's, metrics/events.yaml). Operators override a rule, or an event name,
 * in the config file (`events.severity`). docs/events.md shows this table.
 */

export const SEVERITIES: readonly EventSeverity[] = ['INFO', 'WARN', 'ERROR'];

/** Attribute naming the rule that set a record's severity. */
export const RULE_ATTRIBUTE = 'hostbaseline.risk.rule';

export interface RiskRule {
  id: string;
  severity: EventSeverity;
  /** What it catches, for the docs. */
  what: string;
  /** A catch-all: an override by event name wins over it (never over a specific rule). */
  fallback?: boolean;
  test(e: SecurityEvent): boolean;
}

/** Directories the package manager owns (not /usr/local, not /opt). */
export const PACKAGE_OWNED = /^\/(usr\/)?(s?bin|lib|lib32|lib64|libexec)\//;

type Row = Record<string, AttributeValue>;

function mapAttr(e: SecurityEvent, name: string): Row | null {
  const v = e.attributes[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
}

/** The row a drift record is about now: the new row, or key + new values of a change. */
function driftRow(e: SecurityEvent, table: string): Row | null {
  if (e.attributes['hostbaseline.table'] !== table) return null;
  if (e.name === 'hostbaseline.drift.added') return mapAttr(e, 'hostbaseline.drift.row');
  if (e.name === 'hostbaseline.drift.changed') return { ...mapAttr(e, 'hostbaseline.drift.key'), ...mapAttr(e, 'hostbaseline.drift.new') };
  return null;
}

function changedColumn(e: SecurityEvent, column: string): boolean {
  if (e.name === 'hostbaseline.drift.added') return true;
  const c = e.attributes['hostbaseline.drift.changed_columns'];
  return Array.isArray(c) && c.includes(column);
}

const WILDCARD = new Set(['0.0.0.0', '::', '*', '']);

/** A FIM record's octal mode with the setuid or setgid bit. */
function fimSetId(e: SecurityEvent): boolean {
  const mode = e.attributes['file.mode'];
  return typeof mode === 'string' && /^[0-7]{4}$/.test(mode) && (parseInt(mode, 8) & 0o6000) !== 0;
}

function fimPath(e: SecurityEvent): string {
  const p = e.attributes['file.path'];
  return typeof p === 'string' ? p : '';
}

export const RISK_RULES: readonly RiskRule[] = [
  {
    id: 'uid0_account',
    severity: 'ERROR',
    what: 'An account with uid 0 appeared, or an account became uid 0 (drift of `users`; audit ADD_USER with id 0).',
    test: (e) => {
      if (e.name === 'hostbaseline.account.user_added') return String(e.attributes['hostbaseline.account.id'] ?? '') === '0';
      const r = driftRow(e, 'users');
      return r !== null && r.uid === 0 && changedColumn(e, 'uid');
    },
  },
  {
    id: 'setid_outside_packages',
    severity: 'ERROR',
    what: 'A SUID/SGID file outside package-owned directories (/usr/bin, /usr/sbin, /bin, /sbin, /usr/lib*, /lib*, /usr/libexec): drift of `suid_files`, or FIM seeing a set-id mode.',
    test: (e) => {
      const r = driftRow(e, 'suid_files');
      if (r) return typeof r.path === 'string' && !PACKAGE_OWNED.test(r.path) && (e.name === 'hostbaseline.drift.added' || changedColumn(e, 'mode'));
      if (e.name !== 'hostbaseline.file.created' && e.name !== 'hostbaseline.file.attributes_changed' && e.name !== 'hostbaseline.file.moved') return false;
      return fimSetId(e) && !PACKAGE_OWNED.test(fimPath(e));
    },
  },
  {
    id: 'nopasswd_sudo',
    severity: 'ERROR',
    what: 'A sudo rule that needs no password (drift of `sudo_rules` with nopasswd).',
    test: (e) => driftRow(e, 'sudo_rules')?.nopasswd === true,
  },
  {
    id: 'out_of_tree_module',
    severity: 'ERROR',
    what: 'A kernel module loaded from out of tree (drift of `kernel_modules`, tree=out_of_tree).',
    test: (e) => {
      const r = driftRow(e, 'kernel_modules');
      return r !== null && r.tree === 'out_of_tree' && changedColumn(e, 'tree');
    },
  },
  {
    id: 'package_binary_modified',
    severity: 'ERROR',
    what: 'A file in a package-owned directory modified or replaced (FIM), its sha256 changed (drift of `files`, `suid_files`), or a packaged executable or library that no longer matches its package (drift of `package_file_changes`).',
    test: (e) => {
      if (e.name === 'hostbaseline.file.modified' || e.name === 'hostbaseline.file.moved') return PACKAGE_OWNED.test(fimPath(e));
      const changed = e.name === 'hostbaseline.drift.added' ? driftRow(e, 'package_file_changes') : null;
      if (changed && changed.binary === true && changed.config !== true && changed.kind !== 'missing') return true;
      for (const t of ['files', 'suid_files']) {
        const r = e.name === 'hostbaseline.drift.changed' ? driftRow(e, t) : null;
        if (r && typeof r.path === 'string' && PACKAGE_OWNED.test(r.path) && changedColumn(e, 'sha256')) return true;
      }
      return false;
    },
  },
  {
    id: 'wildcard_listener',
    severity: 'WARN',
    what: 'A new listening port on a wildcard address (0.0.0.0, ::) (drift of `listening_ports`).',
    test: (e) => {
      const r = e.name === 'hostbaseline.drift.added' ? driftRow(e, 'listening_ports') : null;
      return r !== null && WILDCARD.has(String(r.address ?? ''));
    },
  },
  {
    id: 'routine_drift',
    severity: 'INFO',
    what: 'Any other drift: a package, a unit, a mount, a route… changed as hosts do.',
    fallback: true,
    test: (e) => e.name.startsWith('hostbaseline.drift.'),
  },
];

export type SeverityOverrides = Readonly<Record<string, EventSeverity>>;

/** Checks an `events.severity` section: rule ids or event names to a severity. Returns an error or the map. */
export function parseSeverityOverrides(raw: unknown, where: string): SeverityOverrides | string {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return `${where}: expected a mapping of rule or event name to INFO, WARN or ERROR`;
  const ids = new Set(RISK_RULES.map((r) => r.id));
  const out: Record<string, EventSeverity> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!ids.has(k) && !/^hostbaseline\.[a-z_]+\.[a-z_]+$/.test(k)) return `${where}: "${k}" is neither a rule (${[...ids].join(', ')}) nor an event name`;
    const s = typeof v === 'string' ? v.toUpperCase() : '';
    if (!SEVERITIES.includes(s as EventSeverity)) return `${where}.${k}: expected INFO, WARN or ERROR, got ${JSON.stringify(v)}`;
    out[k] = s as EventSeverity;
  }
  return out;
}

/**
 * The severity of an event: the first matching rule (or its override), else the event's
 * own. An override by event name changes routine events only, never what a risk rule
 * caught (override the rule by its id for that).
 */
export function classify(e: SecurityEvent, overrides: SeverityOverrides = {}): { severity: EventSeverity; rule: string | null } {
  for (const r of RISK_RULES) {
    if (r.test(e)) return { severity: overrides[r.id] ?? (r.fallback ? overrides[e.name] : undefined) ?? r.severity, rule: r.id };
  }
  return { severity: overrides[e.name] ?? e.severity, rule: null };
}

/** A sink that sets each event's severity from the table before handing it on. */
export function withRiskSeverity(sink: EventSink, overrides: SeverityOverrides = {}, metrics?: Pick<EventMetrics, 'classified'>): EventSink {
  return {
    emit(source: EventSourceName, e: SecurityEvent) {
      const { severity, rule } = classify(e, overrides);
      metrics?.classified(source, severity, rule ?? 'none');
      sink.emit(source, rule ? { ...e, severity, attributes: { ...e.attributes, [RULE_ATTRIBUTE]: rule } } : { ...e, severity });
    },
    dropped: (source, reason, count) => sink.dropped(source, reason, count),
  };
}
