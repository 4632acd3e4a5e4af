import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { joinHost, numberedLines } from './common.js';
import { userSshDirs } from './ssh-common.js';

export interface KnownHostsCounts {
  entries: number;
  hashed: number;
  cert_authorities: number;
  revoked: number;
}

/** Counts known_hosts(5) entries; host names themselves are not kept (they map the user's network). */
export function countKnownHosts(text: string, onBad?: (line: number, reason: string) => void): KnownHostsCounts {
  const c: KnownHostsCounts = { entries: 0, hashed: 0, cert_authorities: 0, revoked: 0 };
  for (const [n, line] of numberedLines(text)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    let words = t.split(/\s+/);
    const marker = words[0]!.startsWith('@') ? words[0] : null;
    if (marker) words = words.slice(1);
    if (words.length < 3 || (marker !== null && marker !== '@cert-authority' && marker !== '@revoked')) {
      onBad?.(n, 'expected [marker] hosts keytype key');
      continue;
    }
    c.entries++;
    if (words[0]!.startsWith('|1|')) c.hashed++;
    if (marker === '@cert-authority') c.cert_authorities++;
    if (marker === '@revoked') c.revoked++;
  }
  return c;
}

export const sshKnownHosts = defineCollector({
  name: 'ssh_known_hosts',
  area: 'users',
  description: 'known_hosts files (system and per user): entries, hashed entries, @cert-authority and @revoked markers.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    {
      name: 'ssh_known_hosts',
      key: ['user', 'file'],
      description: 'One row per known_hosts file; user "" for the system-wide files.',
      volatile: ['entries', 'hashed_entries'],
    },
  ],
  async collect(ctx) {
    const files: { user: string; file: string }[] = [
      { user: '', file: '/etc/ssh/ssh_known_hosts' },
      { user: '', file: '/etc/ssh/ssh_known_hosts2' },
    ];
    for (const { user, dir } of await userSshDirs(ctx)) {
      for (const name of ['known_hosts', 'known_hosts2']) files.push({ user, file: joinHost(dir, name) });
    }
    const rows: FactRow[] = [];
    for (const { user, file } of files) {
      const text = await ctx.fs.readTextIfExists(file);
      if (text === null) continue;
      const c = countKnownHosts(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`));
      rows.push({ user, file, entries: c.entries, hashed_entries: c.hashed, cert_authorities: c.cert_authorities, revoked: c.revoked });
    }
    return [{ name: 'ssh_known_hosts', rows }];
  },
});
