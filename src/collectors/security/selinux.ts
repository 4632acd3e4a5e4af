import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseSelinuxConfig } from './selinux.parse.js';

const FS = '/sys/fs/selinux';

export const selinux = defineCollector({
  name: 'selinux',
  area: 'security',
  description: 'SELinux: running mode and policy (selinuxfs) against the configured mode (/etc/selinux/config).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'selinux', key: [], description: 'One row: current mode, configured mode and policy, mismatch flag.' }],
  async collect(ctx) {
    const read = async (p: string) => (await ctx.fs.readTextIfExists(p))?.trim() ?? null;
    const enforce = await read(`${FS}/enforce`);
    const policyvers = await read(`${FS}/policyvers`);
    const denyUnknown = await read(`${FS}/deny_unknown`);
    const mls = await read(`${FS}/mls`);
    const configText = await ctx.fs.readTextIfExists('/etc/selinux/config');
    if (enforce === null && configText === null) return [{ name: 'selinux', rows: [] }];
    const config = configText === null ? { mode: '', type: '' } : parseSelinuxConfig(configText, (l, r) => ctx.parseError('/etc/selinux/config', `line ${l}: ${r}`));
    if (enforce !== null && enforce !== '0' && enforce !== '1') throw new Error(`${FS}/enforce: expected 0 or 1, got "${enforce.slice(0, 20)}"`);
    const mode = enforce === null ? 'disabled' : enforce === '1' ? 'enforcing' : 'permissive';
    return [
      {
        name: 'selinux',
        rows: [
          {
            mode,
            enforcing: mode === 'enforcing',
            configured_mode: config.mode,
            policy_type: config.type,
            policy_version: policyvers === null ? null : Number(policyvers),
            deny_unknown: denyUnknown === null ? null : denyUnknown === '1',
            mls: mls === null ? null : mls === '1',
            // The configured mode only applies at boot: a difference means someone ran setenforce (or the config changed).
            mismatch: config.mode !== '' && config.mode !== mode,
          },
        ],
      },
    ];
  },
});
