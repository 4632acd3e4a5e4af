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
      columns: [
        { name: 'array', type: 'string', description: 'md device name (md0, md127).' },
        { name: 'state', type: 'string', description: 'active or inactive, as /proc/mdstat says.' },
        { name: 'active', type: 'bool', description: 'Whether the array is active (assembled and serving data).' },
        { name: 'read_only', type: 'bool', description: 'Marked (read-only) or (auto-read-only).' },
        { name: 'level', type: 'string', description: 'raid0, raid1, raid5, raid6, raid10, linear, multipath…; empty for containers.' },
        { name: 'members', type: 'int', description: 'Member devices listed, spares and failed ones included.' },
        { name: 'member_devices', type: 'string', description: 'Member device names, comma-separated, with (F) and (S) flags.' },
        { name: 'failed_members', type: 'int', description: 'Members marked failed (F).' },
        { name: 'spare_members', type: 'int', description: 'Members marked spare (S).' },
        { name: 'raid_disks', type: 'int', description: 'Disks the array is made of ([n/m] n; the listed members of raid0 and linear).' },
        { name: 'active_disks', type: 'int', description: 'Disks in use ([n/m] m; 0 when the array is inactive).' },
        { name: 'status', type: 'string', description: 'Member map such as UU_ (U up, _ down); empty without redundancy.' },
        { name: 'degraded', type: 'int', description: 'Missing disks: raid disks minus active disks, or the count of _.' },
        { name: 'sync_action', type: 'string', description: 'The resync, recovery, reshape, check or repair that runs; empty when none runs.' },
        { name: 'sync_percent', type: 'float', description: 'Progress of the running sync action in percent.' },
        { name: 'sync_waiting', type: 'string', description: 'A resync or recovery that waits: resync delayed, resync pending.' },
      ],
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
