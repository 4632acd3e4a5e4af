import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { accountNames } from './common.js';
import { parseUtmp, UtType, type UtmpRecord } from './utmp.parse.js';

const UTMP_FILES = ['/run/utmp', '/var/run/utmp'];
const WTMP = '/var/log/wtmp';
const BTMP = '/var/log/btmp';
/** Failed logins name whatever was typed (sometimes a password): names that are not accounts are pooled. */
export const UNKNOWN_USER = '(unknown)';

async function read(ctx: CollectContext, file: string, files: FactRow[]): Promise<UtmpRecord[] | null> {
  const buf = await ctx.fs.readBytesIfExists(file);
  if (buf === null) return null;
  const records = parseUtmp(buf, (_, reason) => ctx.parseError(file, reason));
  files.push({ file, records: records.length, size_bytes: buf.length });
  return records;
}

interface History {
  logins: number;
  last: number | null;
  failed: number;
  lastFailed: number | null;
  hosts: Set<string>;
}

export const logins = defineCollector({
  name: 'logins',
  area: 'users',
  description: 'Logged-in users (utmp) and login history (wtmp, failed logins from btmp): counts and last times per user.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 30 * SECOND,
  tables: [
    { name: 'logged_in_users', key: ['user'], description: 'Open sessions per user (USER_PROCESS entries of utmp).', volatile: ['sessions', 'remote_hosts'] },
    {
      name: 'login_history',
      key: ['user'],
      description: 'Logins (wtmp) and failed logins (btmp) per user over the files; names that are not accounts pooled as "(unknown)" for failures.',
      volatile: ['logins', 'last_login_seconds', 'failed_logins', 'last_failed_login_seconds', 'source_hosts'],
    },
    { name: 'login_files', key: ['file'], description: 'utmp, wtmp and btmp files read.', volatile: ['records', 'size_bytes'] },
    { name: 'login_summary', key: [], description: 'Sessions open now and boots recorded in wtmp.', volatile: ['sessions', 'boots', 'last_boot_seconds'] },
  ],
  async collect(ctx) {
    const files: FactRow[] = [];
    let utmp: UtmpRecord[] | null = null;
    for (const f of UTMP_FILES) {
      utmp = await read(ctx, f, files);
      if (utmp !== null) break; // /var/run is normally a link to /run
    }
    const sessions = new Map<string, { sessions: number; hosts: Set<string> }>();
    for (const r of utmp ?? []) {
      if (r.type !== UtType.USER_PROCESS || !r.user) continue;
      const s = sessions.get(r.user) ?? { sessions: 0, hosts: new Set<string>() };
      s.sessions++;
      if (r.host) s.hosts.add(r.host);
      sessions.set(r.user, s);
    }

    const history = new Map<string, History>();
    const entry = (user: string) => {
      let h = history.get(user);
      if (!h) history.set(user, (h = { logins: 0, last: null, failed: 0, lastFailed: null, hosts: new Set() }));
      return h;
    };
    let boots = 0;
    let lastBoot: number | null = null;
    for (const r of (await read(ctx, WTMP, files)) ?? []) {
      if (r.type === UtType.BOOT_TIME) {
        boots++;
        lastBoot = Math.max(lastBoot ?? 0, r.time);
      }
      if (r.type !== UtType.USER_PROCESS || !r.user) continue;
      const h = entry(r.user);
      h.logins++;
      h.last = Math.max(h.last ?? 0, r.time);
      if (r.host) h.hosts.add(r.host);
    }
    const btmp = await read(ctx, BTMP, files);
    if (btmp && btmp.length > 0) {
      const known = await accountNames(ctx);
      for (const r of btmp) {
        if (r.type !== UtType.LOGIN_PROCESS && r.type !== UtType.USER_PROCESS) continue;
        const h = entry(known.has(r.user) ? r.user : UNKNOWN_USER);
        h.failed++;
        h.lastFailed = Math.max(h.lastFailed ?? 0, r.time);
      }
    }
    return [
      { name: 'logged_in_users', rows: [...sessions].map(([user, s]) => ({ user, sessions: s.sessions, remote_hosts: s.hosts.size })) },
      {
        name: 'login_history',
        rows: [...history].map(([user, h]) => ({
          user,
          logins: h.logins,
          last_login_seconds: h.last,
          failed_logins: h.failed,
          last_failed_login_seconds: h.lastFailed,
          source_hosts: h.hosts.size,
        })),
      },
      { name: 'login_files', rows: files },
      {
        name: 'login_summary',
        rows: files.length === 0 ? [] : [{ sessions: [...sessions.values()].reduce((a, s) => a + s.sessions, 0), users_logged_in: sessions.size, boots, last_boot_seconds: lastBoot }],
      },
    ];
  },
});
