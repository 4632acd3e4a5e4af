import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { sanitizeUrl } from '../toolkit/url.js';
import { riskRows, riskTable, uniqueBy, type Risk } from './common.js';
import { HARDENED, hasFlag, isNetworkMount, parseFstab, sanitizeOptions } from './fstab-options.parse.js';

const PATH = '/etc/fstab';

export const fstabOptions = defineCollector({
  name: 'fstab_options',
  area: 'configuration',
  description: 'Mount options of /etc/fstab: nosuid/noexec/nodev per entry, network mounts, weak temp and home mounts.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'fstab_options',
      key: ['device', 'mount_point'],
      description: 'One row per fstab entry: type, options (credentials redacted), nosuid/noexec/nodev, network.',
      drift: true,
    },
    riskTable('fstab_risks', '/etc/fstab (temp and home mounts without nosuid/nodev/noexec, network mounts without nosuid)'),
  ],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(PATH);
    if (text === null) return [{ name: 'fstab_options', rows: [] }, { name: 'fstab_risks', rows: [] }];
    const entries = parseFstab(text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const rows: FactRow[] = [];
    const risks: Risk[] = [];
    for (const e of entries) {
      const flags = { nosuid: hasFlag(e.options, 'nosuid'), noexec: hasFlag(e.options, 'noexec'), nodev: hasFlag(e.options, 'nodev') };
      const network = isNetworkMount(e);
      rows.push({
        device: sanitizeUrl(e.device), // davfs/sshfs devices may be URLs with credentials
        mount_point: e.mountPoint,
        fstype: e.fstype,
        options: sanitizeOptions(e.options).join(','),
        ...flags,
        network,
      });
      const mp = e.mountPoint.replace(/\/+$/, '') || '/';
      for (const flag of HARDENED[mp] ?? []) if (!flags[flag]) risks.push({ server: 'fstab', path: PATH, setting: `${mp} without ${flag}` });
      if (network && !flags.nosuid) risks.push({ server: 'fstab', path: PATH, setting: `${mp} network mount without nosuid` });
    }
    return [
      { name: 'fstab_options', rows: uniqueBy(rows, ['device', 'mount_point']) },
      { name: 'fstab_risks', rows: riskRows(risks) },
    ];
  },
});
