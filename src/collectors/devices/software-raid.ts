import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseMdstat } from './software-raid.parse.js';

const MDSTAT = '/proc/mdstat';

export const softwareRaid = defineCollector({
  name: 'software_raid',
  area: 'devices',
  description: 'Linux software RAID (md) arrays from /proc/mdstat: level, state, members, degraded and failed members, resync progress.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'md_arrays',
      key: ['array'],
      description: 'One row per md array.',
      drift: true,
      volatile: ['sync_percent', 'sync_action', 'sync_waiting'],
    },
  ],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(MDSTAT);
    if (text === null) return [{ name: 'md_arrays', rows: [] }];
    if (text.trim() !== '' && !/^Personalities\s*:/m.test(text)) throw new Error(`${MDSTAT}: not an mdstat file (no Personalities line)`);
    const arrays = parseMdstat(text, (array, reason) => ctx.parseError(MDSTAT, `${array}: ${reason}`));
    return [
      {
        name: 'md_arrays',
        rows: arrays.map((a) => ({
          array: a.array,
          state: a.state,
          active: a.state === 'active',
          read_only: a.read_only,
          level: a.level,
          members: a.members.length,
          member_devices: a.members.map((m) => m.replace(/\[\d+\]/, '')).join(','),
          failed_members: a.failed,
          spare_members: a.spare,
          raid_disks: a.raid_disks,
          active_disks: a.active_disks,
          status: a.status,
          degraded: a.degraded,
          sync_action: a.sync_action,
          sync_percent: a.sync_percent,
          sync_waiting: a.sync_waiting,
        })),
      },
    ];
  },
});
