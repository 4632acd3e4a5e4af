import { isNotFound } from '../../host/hostfs.js';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { joinHost } from './common.js';
import { userSshDirs } from './ssh-common.js';
import { parsePrivateKey } from './ssh-key.parse.js';

/** Files of ~/.ssh that are never private keys. */
const NOT_KEYS = new Set(['authorized_keys', 'authorized_keys2', 'known_hosts', 'known_hosts2', 'known_hosts.old', 'config', 'environment', 'rc']);
/** Private keys are a few KiB; anything larger is not one. */
const MAX_KEY_BYTES = 64 * 1024;

export const sshPrivateKeys = defineCollector({
  name: 'ssh_private_keys',
  area: 'users',
  description: 'Private keys in each user\'s ~/.ssh: format, type, bits, encrypted or not. Never the key material.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    { name: 'ssh_private_keys', key: ['user', 'file'], description: 'One row per private key file.', drift: true },
    { name: 'ssh_private_keys_per_user', key: ['user'], description: 'Private keys and unencrypted ones per user.' },
  ],
  async collect(ctx) {
    const rows: FactRow[] = [];
    const perUser = new Map<string, { keys: number; unencrypted: number }>();
    for (const { user, dir } of await userSshDirs(ctx)) {
      for (const e of (await ctx.fs.readdirIfExists(dir)) ?? []) {
        if (e.type !== 'file' || NOT_KEYS.has(e.name) || e.name.endsWith('.pub')) continue;
        const file = joinHost(dir, e.name);
        let bytes: Buffer;
        try {
          bytes = await ctx.fs.readBytes(file, { maxBytes: MAX_KEY_BYTES });
        } catch (err) {
          if (isNotFound(err) || (err as { code?: string }).code === 'ETOOBIG') continue;
          throw err;
        }
        const k = parsePrivateKey(bytes.toString('latin1'));
        if (k === null) continue;
        if (typeof k === 'string') {
          ctx.parseError(file, k);
          continue;
        }
        rows.push({ user, file, format: k.format, type: k.type, bits: k.bits, encrypted: k.encrypted, fingerprint: k.fingerprint });
        const u = perUser.get(user) ?? { keys: 0, unencrypted: 0 };
        u.keys++;
        if (!k.encrypted) u.unencrypted++;
        perUser.set(user, u);
      }
    }
    return [
      { name: 'ssh_private_keys', rows },
      { name: 'ssh_private_keys_per_user', rows: [...perUser].map(([user, c]) => ({ user, ...c })) },
    ];
  },
});
