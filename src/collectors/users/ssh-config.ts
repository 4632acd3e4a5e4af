import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { joinHost } from './common.js';
import { loadSshConfig, userSshDirs } from './ssh-common.js';

/** ssh_config(5) keywords worth a baseline, and when a value weakens the client. */
const TRACKED: Record<string, { name: string; risky?: (v: string) => boolean }> = {
  stricthostkeychecking: { name: 'StrictHostKeyChecking', risky: (v) => v === 'no' || v === 'off' },
  forwardagent: { name: 'ForwardAgent', risky: (v) => v !== 'no' },
  forwardx11: { name: 'ForwardX11', risky: (v) => v === 'yes' },
  forwardx11trusted: { name: 'ForwardX11Trusted', risky: (v) => v === 'yes' },
  userknownhostsfile: { name: 'UserKnownHostsFile', risky: (v) => v === '/dev/null' },
  globalknownhostsfile: { name: 'GlobalKnownHostsFile', risky: (v) => v === '/dev/null' },
  checkhostip: { name: 'CheckHostIP' },
  hashknownhosts: { name: 'HashKnownHosts' },
  passwordauthentication: { name: 'PasswordAuthentication' },
  pubkeyauthentication: { name: 'PubkeyAuthentication' },
  verifyhostkeydns: { name: 'VerifyHostKeyDNS' },
  permitlocalcommand: { name: 'PermitLocalCommand', risky: (v) => v === 'yes' },
  identitiesonly: { name: 'IdentitiesOnly' },
  addkeystoagent: { name: 'AddKeysToAgent' },
};

const YES_NO = /^(yes|no|ask|accept-new|off|confirm)$/i;

export const sshConfig = defineCollector({
  name: 'ssh_config',
  area: 'users',
  description: 'SSH client settings in /etc/ssh/ssh_config and ~/.ssh/config (with Includes): StrictHostKeyChecking no, ForwardAgent yes and other risky settings flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    {
      name: 'ssh_client_settings',
      key: ['user', 'file', 'host', 'option'],
      description: 'Tracked client settings as set (first one per Host/Match block wins); user "" for the system-wide file.',
      drift: true,
    },
  ],
  async collect(ctx) {
    const rows = new Map<string, FactRow>();
    const add = async (user: string, file: string, base: string) => {
      const loaded = await loadSshConfig(ctx, file, base, ['host', 'match'], (f, reason) => ctx.parseError(f, reason));
      for (const l of loaded?.lines ?? []) {
        const t = TRACKED[l.keyword];
        if (!t) continue;
        const host = l.block ?? '*';
        const key = `${user}\0${l.file}\0${host}\0${t.name}`;
        if (rows.has(key)) continue;
        const raw = l.args.join(' ');
        const value = YES_NO.test(raw) ? raw.toLowerCase() : raw;
        rows.set(key, { user, file: l.file, host, option: t.name, value, risky: t.risky?.(value) ?? false });
      }
    };
    await add('', '/etc/ssh/ssh_config', '/etc/ssh');
    for (const { user, dir } of await userSshDirs(ctx)) await add(user, joinHost(dir, 'config'), dir);
    return [{ name: 'ssh_client_settings', rows: [...rows.values()] }];
  },
});
