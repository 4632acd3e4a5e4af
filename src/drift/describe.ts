import type { FactRow, FactValue } from '../collectors/types.js';
import type { EventAttributes } from '../events/types.js';
import { attributeOf, describeValue } from './values.js';

/** What a drift record says in words and in OpenTelemetry semantic-convention names. */

const MAX_SHOWN = 80;

/** Host values in a sentence: control characters escaped, long values cut. */
export function shown(v: FactValue | undefined): string {
  const s = describeValue(v).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
}

/** A sha256 shortened for reading (the full value is in the attributes). */
function shortHash(v: FactValue | undefined): string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? `${v.slice(0, 8)}…` : shown(v);
}

type Subject = (r: FactRow) => string;

/** How a row of the best-known tables is named in a sentence; the others name their key. */
const SUBJECTS: Record<string, Subject> = {
  users: (r) => `user ${shown(r.name)} (uid ${shown(r.uid)})`,
  groups: (r) => `group ${shown(r.name)} (gid ${shown(r.gid)})`,
  group_memberships: (r) => `${shown(r.user)} in group ${shown(r.group)}`,
  passwords: (r) => `password state of ${shown(r.name)}`,
  sudo_rules: (r) => `sudo rule for ${shown(r.principal)} as ${shown(r.runas)} in ${shown(r.file)}${r.nopasswd === true ? ' (NOPASSWD)' : ''}${r.all_commands === true ? ' (ALL commands)' : ''}`,
  suid_files: (r) => `${r.setuid === true ? 'SUID' : 'SGID'} file ${shown(r.path)} (owner ${shown(r.owner)}, mode ${shown(r.mode)})`,
  files: (r) => `file ${shown(r.path)}`,
  file_capabilities: (r) => `file capabilities of ${shown(r.path)}`,
  listening_ports: (r) => `listening port ${shown(r.protocol)} ${shown(r.address)}:${shown(r.port)}`,
  kernel_modules: (r) => `kernel module ${shown(r.name)} (${shown(r.tree)}, ${shown(r.signature)})`,
  packages: (r) => `package ${shown(r.name)} ${shown(r.version)}`,
  cron_jobs: (r) => `cron job of ${shown(r.user)} in ${shown(r.source)} (${shown(r.schedule)})`,
  processes: (r) => `executable ${r.exe ? shown(r.exe) : `[${shown(r.kernel_thread_name)}]`} run by ${shown(r.user)}${r.unit ? ` in ${shown(r.unit)}` : ''}${r.container_id ? ` in container ${shown(String(r.container_id).slice(0, 12))}` : ''} (${shown(r.processes)} processes)`,
  ssh_authorized_keys: (r) => `authorized key ${shown(r.fingerprint)} of ${shown(r.user)}`,
  systemd_units: (r) => `systemd unit ${shown(r.unit)}`,
  init_rlimits: (r) => `${shown(r.kind)} limit ${shown(r.resource)} of PID 1`,
};

export function subjectOf(table: string, key: string[], row: FactRow): string {
  const named = SUBJECTS[table];
  if (named) return named(row);
  const id = key.length === 0 ? '' : ` ${key.map((k) => shown(row[k])).join(' ')}`;
  return `${table.replace(/_/g, ' ')}${id}`;
}

/** "user eve (uid 0) added", "user bob (uid 0) changed: uid 1000 → 0". */
export function driftBody(kind: 'added' | 'removed' | 'changed', table: string, key: string[], row: FactRow, before?: FactRow, columns: string[] = []): string {
  const subject = subjectOf(table, key, row);
  if (kind !== 'changed' || !before) return `${subject} ${kind}`;
  const parts = columns.slice(0, 4).map((c) => {
    const hash = /sha256|hash/.test(c);
    const f = hash ? shortHash : shown;
    return `${c} ${f(before[c])} → ${f(row[c])}`;
  });
  if (columns.length > 4) parts.push(`and ${columns.length - 4} more`);
  return `${subject} changed: ${parts.join(', ')}`;
}

/**
 * Columns that have an OpenTelemetry semantic-convention name, per table. The value of
 * the row (the new one, the old one for a removal) is set under that name as well.
 */
const SEMCONV: Record<string, Record<string, string>> = {
  users: { name: 'user.name', uid: 'user.id', home: 'user.home', shell: 'user.shell' },
  passwords: { name: 'user.name' },
  group_memberships: { user: 'user.name', group: 'group.name' },
  groups: { name: 'group.name', gid: 'group.id' },
  sudo_rules: { file: 'file.path' },
  sudo_files: { file: 'file.path' },
  suid_files: { path: 'file.path', size: 'file.size', mode: 'file.mode', owner: 'file.owner.name', group: 'file.group.name', uid: 'file.owner.id', gid: 'file.group.id', sha256: 'file.hash.sha256' },
  files: { path: 'file.path', size: 'file.size', sha256: 'file.hash.sha256' },
  file_capabilities: { path: 'file.path' },
  cron_scripts: { path: 'file.path' },
  cron_jobs: { user: 'user.name' },
  ssh_authorized_keys: { user: 'user.name', file: 'file.path' },
  ssh_private_keys: { user: 'user.name', file: 'file.path' },
  listening_ports: { address: 'network.local.address', port: 'network.local.port', protocol: 'network.transport', exe: 'process.executable.path' },
  processes: { exe: 'process.executable.path', exe_sha256: 'hostbaseline.process.executable.sha256', user: 'process.owner', container_id: 'container.id', unit: 'hostbaseline.systemd.unit' },
  packages: { name: 'package.name', version: 'package.version' },
  kernel_modules: { name: 'hostbaseline.kernel.module' },
  docker_containers: { id: 'container.id', name: 'container.name', image: 'container.image.name' },
  docker_images: { id: 'container.image.id' },
};

export function semconvAttributes(table: string, row: FactRow, attrs: EventAttributes): void {
  const names = SEMCONV[table];
  if (!names) return;
  for (const [column, name] of Object.entries(names)) {
    const v = attributeOf(row[column]);
    if (v === undefined || v === '') continue;
    // user.id, group.id and file.owner.id are strings in the conventions.
    attrs[name] = /\.id$/.test(name) || name === 'file.mode' ? String(v) : v;
  }
}
