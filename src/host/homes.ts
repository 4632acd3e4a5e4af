import type { HostFs } from './hostfs.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/**
 * Parses passwd(5). The password field is dropped on purpose: it never leaves this function.
 * Bad lines are reported through `onBad` and skipped.
 */
export function parsePasswd(text: string, onBad?: (line: number, reason: string) => void): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    // NIS compat lines ("+", "+@netgroup", "-user") name no local account.
    if (line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length !== 7) {
      onBad?.(i + 1, `expected 7 fields, got ${f.length}`);
      continue;
    }
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!f[0] || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) {
      onBad?.(i + 1, 'bad name, uid or gid');
      continue;
    }
    out.push({ name: f[0], uid, gid, gecos: f[4]!, home: f[5]!, shell: f[6]! });
  }
  return out;
}

export interface UserHome {
  user: string;
  uid: number;
  home: string;
}

/**
 * The home directories worth looking into for per-user files (SSH keys, pip and
 * npm configs, browser profiles, shell history): every passwd account whose home
 * exists on the host, plus directories under /home with no passwd entry (LDAP users).
 */
export async function userHomes(fs: HostFs): Promise<UserHome[]> {
  const seen = new Map<string, UserHome>();
  const passwd = await fs.readTextIfExists('/etc/passwd');
  for (const e of passwd ? parsePasswd(passwd) : []) {
    if (!e.home.startsWith('/') || e.home === '/' || seen.has(e.home)) continue;
    if (e.uid !== 0 && e.uid < 1000 && !e.home.startsWith('/home/')) continue; // system accounts
    const st = await fs.statIfExists(e.home).catch(() => null);
    if (st?.isDirectory()) seen.set(e.home, { user: e.name, uid: e.uid, home: e.home });
  }
  for (const d of (await fs.readdirIfExists('/home')) ?? []) {
    const home = `/home/${d.name}`;
    if (d.type === 'dir' && !seen.has(home)) seen.set(home, { user: d.name, uid: -1, home });
  }
  return [...seen.values()].sort((a, b) => (a.home < b.home ? -1 : 1));
}
