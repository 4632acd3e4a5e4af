import type { FactRow } from '../collectors/types.js';
import type { CollectorHealth, ReportTable } from './model.js';

/**
 * What looks risky on a host, read from the same fact rows the metrics are made of. Each
 * risk names the table its items come from, so the page links every item to its facts.
 */
export type RiskSeverity = 'high' | 'medium' | 'low';

export interface RiskItem {
  /** One line a person reads, made only of fact values. */
  text: string;
  /** The table the item's row is in (empty for a collector's own health). */
  collector: string;
  table: string;
  /** Searches that table for this item's row. */
  search: string;
}

export interface Risk {
  id: string;
  severity: RiskSeverity;
  title: string;
  items: RiskItem[];
}

interface RiskRule {
  id: string;
  severity: RiskSeverity;
  title: string;
  /** Tables the rule reads: exact `collector/table`, or a predicate over a table. */
  source: { collector: string; table: string } | ((t: ReportTable) => boolean);
  matches(row: FactRow): boolean;
  describe(row: FactRow): { text: string; search: string };
}

const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The one table of risks: severity, what it means, where it comes from. */
export const RISK_RULES: RiskRule[] = [
  {
    id: 'uid0_account',
    severity: 'high',
    title: 'Accounts with uid 0 other than root',
    source: { collector: 'users', table: 'users' },
    matches: (r) => r.uid === 0 && r.name !== 'root',
    describe: (r) => ({ text: `${s(r.name)} (uid 0, shell ${s(r.shell)})`, search: s(r.name) }),
  },
  {
    id: 'sudo_nopasswd',
    severity: 'high',
    title: 'sudo rules without a password (NOPASSWD or !authenticate)',
    source: { collector: 'sudoers', table: 'sudo_rules' },
    matches: (r) => r.nopasswd === true,
    describe: (r) => ({ text: `${s(r.principal)} may run ${r.all_commands === true ? 'ALL commands' : `${s(r.commands)} command(s)`} as ${s(r.runas)} (${s(r.file)})`, search: s(r.principal) }),
  },
  {
    id: 'unencrypted_private_key',
    severity: 'high',
    title: 'Unencrypted SSH private keys',
    source: { collector: 'ssh_private_keys', table: 'ssh_private_keys' },
    matches: (r) => r.encrypted === false,
    describe: (r) => ({ text: `${s(r.file)} (${s(r.type)}, user ${s(r.user)})`, search: s(r.file) }),
  },
  {
    id: 'suid_unusual_location',
    severity: 'high',
    title: 'Setuid/setgid files in unusual places',
    source: { collector: 'suid_files', table: 'suid_files' },
    matches: (r) => r.unusual_location === true || r.world_writable === true,
    describe: (r) => ({ text: `${s(r.path)} (${r.setuid === true ? 'setuid' : 'setgid'} ${s(r.owner)}, mode ${s(r.mode)})`, search: s(r.path) }),
  },
  {
    id: 'container_risk',
    severity: 'high',
    title: 'Containers that weaken isolation',
    source: { collector: 'docker', table: 'docker_container_risks' },
    matches: () => true,
    describe: (r) => ({ text: `${s(r.name)}: ${s(r.reason)}`, search: s(r.id) }),
  },
  {
    id: 'risky_sshd_setting',
    severity: 'medium',
    title: 'Risky sshd settings',
    source: { collector: 'sshd_config', table: 'sshd_settings' },
    matches: (r) => r.risky === true,
    describe: (r) => ({ text: `${s(r.option)} ${s(r.value)}${r.file ? ` (${s(r.file)})` : ' (default)'}`, search: s(r.option) }),
  },
  {
    id: 'wildcard_listener',
    severity: 'medium',
    title: 'Listeners on every address',
    source: { collector: 'listening_ports', table: 'listening_ports' },
    matches: (r) => r.wildcard === true,
    describe: (r) => ({ text: `${s(r.protocol)} ${s(r.address)}:${s(r.port)} — ${s(r.process) || 'unknown process'}${r.exe ? ` (${s(r.exe)})` : ''}`, search: s(r.port) }),
  },
  {
    id: 'insecure_package_source',
    severity: 'medium',
    title: 'Unsigned or insecure package sources',
    // Every package manager's source table shares these columns (supply_chain area).
    source: (t) => t.area === 'supply_chain' && t.columns.includes('insecure') && t.columns.includes('url'),
    matches: (r) => r.insecure === true && r.enabled !== false,
    describe: (r) => ({ text: `${s(r.manager)} ${s(r.url)}: ${s(r.insecure_reasons)} (${s(r.file)})`, search: s(r.url) }),
  },
  {
    id: 'modified_package_file',
    severity: 'high',
    title: 'Modified package files',
    // Filled by a package-file integrity collector, where one runs.
    source: (t) => t.name === 'package_file_changes' || t.name === 'package_files_modified',
    matches: (r) => r.config !== true,
    describe: (r) => ({ text: `${s(r.path)} (${s(r.package)}: ${s(r.kind)})`, search: s(r.path) }),
  },
];

const SEVERITY_ORDER: RiskSeverity[] = ['high', 'medium', 'low'];

export function findRisks(tables: ReportTable[], health: CollectorHealth[]): Risk[] {
  const risks: Risk[] = [];
  for (const rule of RISK_RULES) {
    const src = rule.source;
    const from = tables.filter((t) => (typeof src === 'function' ? src(t) : t.collector === src.collector && t.name === src.table));
    const items = from.flatMap((t) => t.rows.filter((r) => rule.matches(r)).map((r) => ({ ...rule.describe(r), collector: t.collector, table: t.name })));
    if (items.length) risks.push({ id: rule.id, severity: rule.severity, title: rule.title, items });
  }
  const failed = health.filter((h) => h.status === 'failed');
  if (failed.length) {
    risks.push({
      id: 'failing_collector',
      severity: 'low',
      title: 'Collectors that fail (their facts are stale or missing)',
      items: failed.map((h) => ({ text: `${h.name}: ${h.lastError ?? 'failed'}`, collector: h.name, table: '', search: h.name })),
    });
  }
  return risks.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}
