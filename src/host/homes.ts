import { pushBounded } from '../util/bounded.js';
import type { HostFs } from './hostfs.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** Bounds a parse: at most `max` entries are kept, those `keep` accepts first (see pushBounded). */
export interface EntryLimit<T> {
  max: number;
  /** Entries kept whatever the limit (uid 0 accounts: never hidden by a cap). */
  keep?: (e: T) => boolean;
  /** Called once when entries were left out: `kept` of `total` valid entries. */
  onCapped?: (kept: number, total: number) => void;
}

/**
 * Parses passwd(5). The password field is dropped on purpose: it never leaves this function.
 * Bad lines are reported through `onBad` and skipped. Lines are walked one at a time, so a
 * huge file costs the entries kept, not an array of every line.
 */
export function parsePasswd(text: string, onBad?: (line: number, reason: string) => void, limit?: EntryLimit<PasswdEntry>): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  let total = 0;
  let lineNo = 0;
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(at, end);
    at = end + 1;
    lineNo++;
    if (line.trim() === '' || line.startsWith('#')) continue;
    // NIS compat lines ("+", "+@netgroup", "-user") name no local account.
    if (line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length !== 7) {
      onBad?.(lineNo, `expected 7 fields, got ${f.length}`);
      continue;
    }
    if (!f[0] || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) {
      onBad?.(lineNo, 'bad name, uid or gid');
      continue;
    }
    total++;
    const e = { name: f[0], uid: Number(f[2]), gid: Number(f[3]), gecos: f[4]!, home: f[5]!, shell: f[6]! };
    if (!limit) out.push(e);
    else pushBounded(out, e, limit.max, limit.keep);
  }
  if (limit && total > out.length) limit.onCapped?.(out.length, total);
  return out;
}

export interface UserHome {
  user: string;
  uid: number;
  home: string;
}

/** The part of a collector's context that bounds how many homes and accounts are looked at. */
export interface HomeLimits {
  limits: { rows: number; homes: number };
  capped(source: string, kept: number, total: number): void;
}

/**
 * The home directories worth looking into for per-user files (SSH keys, pip and
 * npm configs, browser profiles, shell history): every passwd account whose home
 * exists on the host, plus directories under /home with no passwd entry (LDAP users).
 *
 * Bounded before the work grows: at most `limits.rows` accounts are looked at and
 * `limits.homes` homes returned (in passwd order, then the rest of /home); what is
 * left out is reported through `capped`, once.
 */
export async function userHomes(fs: HostFs, bound?: HomeLimits): Promise<UserHome[]> {
  const maxHomes = bound?.limits.homes ?? Infinity;
  const seen = new Map<string, UserHome>();
  const considered = new Set<string>();
  const passwd = await fs.readTextIfExists('/etc/passwd');
  const accounts = passwd
    ? parsePasswd(passwd, undefined, bound && { max: bound.limits.rows, onCapped: (kept, total) => bound.capped('/etc/passwd', kept, total) })
    : [];
  for (const e of accounts) {
    if (!e.home.startsWith('/') || e.home === '/' || considered.has(e.home)) continue;
    if (e.uid !== 0 && e.uid < 1000 && !e.home.startsWith('/home/')) continue; // system accounts
    considered.add(e.home);
    if (seen.size >= maxHomes) continue; // counted, not looked at
    const st = await fs.statIfExists(e.home).catch(() => null);
    if (st?.isDirectory()) seen.set(e.home, { user: e.name, uid: e.uid, home: e.home });
  }
  // Streamed: /home may hold 100,000 directories; past the limit they are only counted.
  let beyond = 0;
  for await (const d of fs.entries('/home')) {
    const home = `/home/${d.name}`;
    if (d.type !== 'dir' || considered.has(home)) continue;
    if (seen.size >= maxHomes) {
      beyond++;
      continue;
    }
    considered.add(home);
    seen.set(home, { user: d.name, uid: -1, home });
  }
  // Homes never looked at are counted as left out (passwd homes that may not exist included).
  const total = considered.size + beyond;
  if (seen.size >= maxHomes && total > seen.size) bound?.capped('user homes', seen.size, total);
  return [...seen.values()].sort((a, b) => (a.home < b.home ? -1 : 1));
}
