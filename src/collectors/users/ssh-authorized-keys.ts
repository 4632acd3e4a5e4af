import * as path from 'node:path';
import { userHomes } from '../../host/homes.js';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { numberedLines, readAccounts } from './common.js';
import { firstTopLevel, loadSshConfig } from './ssh-common.js';
import { parseAuthorizedKey } from './ssh-key.parse.js';
import { SSHD_CONFIG } from './sshd-config.js';

const DEFAULT_FILES = ['.ssh/authorized_keys', '.ssh/authorized_keys2'];

interface Principal {
  user: string;
  uid: number;
  home: string;
}

/** Expands sshd's %h, %u, %U, %% tokens; relative results are taken from the home directory. */
export function expandKeysPath(template: string, p: Principal): string {
  const s = template.replace(/%([%hHuU])/g, (_, t: string) => (t === '%' ? '%' : t === 'h' || t === 'H' ? p.home : t === 'u' ? p.user : String(p.uid)));
  return s.startsWith('/') ? path.posix.normalize(s) : path.posix.join(p.home, s);
}

export const sshAuthorizedKeys = defineCollector({
  name: 'ssh_authorized_keys',
  area: 'users',
  description: 'Keys in authorized_keys / authorized_keys2 of every user (or sshd AuthorizedKeysFile): type, bits, SHA256 fingerprint, option names. Never the comment.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    {
      name: 'ssh_authorized_keys',
      key: ['user', 'file', 'fingerprint'],
      description: 'One row per distinct key of a user\'s authorized keys file.',
      drift: true,
    },
    { name: 'ssh_authorized_keys_per_user', key: ['user'], description: 'Authorized keys per user.' },
  ],
  async collect(ctx) {
    const sshd = await loadSshConfig(ctx, SSHD_CONFIG, '/etc/ssh', ['match'], () => {});
    const setting = sshd && firstTopLevel(sshd.lines).get('authorizedkeysfile');
    const templates = setting ? setting.args.filter((a) => a.toLowerCase() !== 'none') : DEFAULT_FILES;

    // Homes that exist, plus every account when a template names a path outside the home (/etc/ssh/keys/%u).
    const principals = new Map<string, Principal>();
    for (const h of await userHomes(ctx.fs, ctx)) principals.set(h.user, { user: h.user, uid: h.uid, home: h.home });
    if (templates.some((t) => t.startsWith('/') && !t.startsWith('%h'))) {
      for (const a of (await readAccounts({ ...ctx, parseError: () => {} })) ?? []) {
        if (!principals.has(a.name)) principals.set(a.name, { user: a.name, uid: a.uid, home: a.home });
      }
    }

    const rows = new Map<string, FactRow>();
    const perUser = new Map<string, number>();
    const seenFiles = new Set<string>();
    for (const p of principals.values()) {
      for (const t of templates) {
        const file = expandKeysPath(t, p);
        if (seenFiles.has(`${p.user}\0${file}`)) continue;
        seenFiles.add(`${p.user}\0${file}`);
        const text = await ctx.fs.readTextIfExists(file);
        if (text === null) continue;
        for (const [n, line] of numberedLines(text)) {
          if (line.trim() === '' || line.trim().startsWith('#')) continue;
          const k = parseAuthorizedKey(line);
          if (typeof k === 'string') {
            ctx.parseError(file, `line ${n}: ${k}`);
            continue;
          }
          const key = `${p.user}\0${file}\0${k.fingerprint}`;
          const prev = rows.get(key);
          if (prev) {
            prev.occurrences = (prev.occurrences as number) + 1;
            continue;
          }
          perUser.set(p.user, (perUser.get(p.user) ?? 0) + 1);
          rows.set(key, {
            user: p.user,
            file,
            type: k.type,
            bits: k.bits,
            fingerprint: k.fingerprint,
            options: k.options.join(','),
            forced_command: k.options.includes('command'),
            from_restricted: k.options.includes('from'),
            restrict: k.options.includes('restrict'),
            cert_authority: k.options.includes('cert-authority'),
            has_comment: k.hasComment,
            occurrences: 1,
          });
        }
      }
    }
    return [
      { name: 'ssh_authorized_keys', rows: [...rows.values()] },
      { name: 'ssh_authorized_keys_per_user', rows: [...perUser].map(([user, keys]) => ({ user, keys })) },
    ];
  },
});
