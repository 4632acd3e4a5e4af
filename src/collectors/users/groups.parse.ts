import type { PasswdEntry } from '../../host/homes.js';
import type { FactRow } from '../types.js';
import { numberedLines } from './common.js';

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface GshadowEntry {
  name: string;
  admins: string[];
  members: string[];
}

type OnBad = (line: number, reason: string) => void;

function list(field: string): string[] {
  return field
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses group(5). The password field is dropped. NIS compat lines (+/-) are skipped. */
export function parseGroup(text: string, onBad?: OnBad): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const [n, line] of numberedLines(text)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length !== 4) {
      onBad?.(n, `expected 4 fields, got ${f.length}`);
      continue;
    }
    if (!f[0] || !/^\d+$/.test(f[2]!)) {
      onBad?.(n, 'bad name or gid');
      continue;
    }
    out.push({ name: f[0], gid: Number(f[2]), members: list(f[3]!) });
  }
  return out;
}

/** Parses gshadow(5): name, (password, dropped), admins, members. */
export function parseGshadow(text: string, onBad?: OnBad): GshadowEntry[] {
  const out: GshadowEntry[] = [];
  for (const [n, line] of numberedLines(text)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length !== 4 || !f[0]) {
      onBad?.(n, `expected 4 fields, got ${f.length}`);
      continue;
    }
    out.push({ name: f[0], admins: list(f[2]!), members: list(f[3]!) });
  }
  return out;
}

/** Groups whose members can become root or read every secret of the host. */
export const PRIVILEGED_GROUPS = new Set(['root', 'sudo', 'wheel', 'admin', 'adm', 'docker', 'lxd', 'disk', 'shadow']);

export interface GroupFacts {
  groups: FactRow[];
  memberships: FactRow[];
  summary: FactRow;
}

/**
 * Groups, their members (supplementary from /etc/group, primary from the passwd gid)
 * and gshadow administrators. Duplicate group names: the first wins, as getgrnam(3).
 */
export function groupFacts(groups: GroupEntry[], accounts: PasswdEntry[], gshadow: GshadowEntry[]): GroupFacts {
  const byName = new Map<string, GroupEntry>();
  for (const g of groups) if (!byName.has(g.name)) byName.set(g.name, g);
  const byGid = new Map<number, GroupEntry>();
  for (const g of byName.values()) if (!byGid.has(g.gid)) byGid.set(g.gid, g);
  const admins = new Map(gshadow.map((g) => [g.name, g.admins]));

  const members = new Map<string, Map<string, { primary: boolean; supplementary: boolean }>>();
  const add = (group: string, user: string, primary: boolean) => {
    let m = members.get(group);
    if (!m) members.set(group, (m = new Map()));
    const cur = m.get(user) ?? { primary: false, supplementary: false };
    if (primary) cur.primary = true;
    else cur.supplementary = true;
    m.set(user, cur);
  };
  for (const g of byName.values()) for (const u of g.members) add(g.name, u, false);
  for (const a of accounts) {
    const g = byGid.get(a.gid);
    if (g) add(g.name, a.name, true);
  }

  const rows: FactRow[] = [];
  const memberships: FactRow[] = [];
  for (const g of byName.values()) {
    const privileged = PRIVILEGED_GROUPS.has(g.name);
    const m = members.get(g.name) ?? new Map();
    rows.push({
      name: g.name,
      gid: g.gid,
      members: m.size,
      supplementary_members: g.members.length,
      admins: admins.get(g.name)?.length ?? 0,
      privileged,
    });
    for (const [user, how] of m) {
      memberships.push({
        group: g.name,
        user,
        primary: how.primary,
        supplementary: how.supplementary,
        privileged,
        // Only privileged memberships get a value, so the family lists just them.
        privileged_member: privileged ? 1 : null,
      });
    }
  }
  return {
    groups: rows,
    memberships,
    summary: {
      groups: rows.length,
      memberships: memberships.length,
      privileged_memberships: memberships.filter((m) => m.privileged).length,
      duplicate_names: groups.length - byName.size,
    },
  };
}
