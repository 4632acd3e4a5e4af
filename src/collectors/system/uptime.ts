import { isNotFound, type HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readValue } from './common.js';
import { parseProcStat } from '../../host/procfs/stat.parse.js';
import { parseLoadavg, parseUptime, zoneOfLocaltimeLink } from './uptime.parse.js';

/** The configured time zone: the /etc/localtime link (systemd, Debian), else /etc/timezone. */
async function timeZone(fs: HostFs): Promise<{ zone: string; source: string }> {
  try {
    if ((await fs.lstat('/etc/localtime')).isSymbolicLink()) {
      const zone = zoneOfLocaltimeLink(await fs.readlink('/etc/localtime'));
      if (zone) return { zone, source: '/etc/localtime' };
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const legacy = (await readValue(fs, '/etc/timezone'))?.split('\n')[0]?.trim();
  // A copied (not linked) /etc/localtime without /etc/timezone does not say its name.
  return legacy ? { zone: legacy, source: '/etc/timezone' } : { zone: '', source: '' };
}

export const uptime = defineCollector({
  name: 'uptime',
  area: 'system',
  description: 'Current time and time zone, boot time (/proc/stat btime), uptime (/proc/uptime) and load (/proc/loadavg).',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'uptime',
      key: [],
      description: 'Time, boot time, uptime and load averages.',
      volatile: ['now_seconds', 'uptime_seconds', 'idle_seconds', 'load1', 'load5', 'load15', 'tasks_runnable', 'tasks', 'last_pid', 'boot_time_seconds'],
    },
  ],
  async collect(ctx) {
    const { fs } = ctx;
    const now = ctx.clock.now() / 1000;
    const uptimeText = await fs.readTextIfExists('/proc/uptime');
    const up = uptimeText === null ? null : parseUptime(uptimeText);
    if (uptimeText !== null && !up) throw new Error('/proc/uptime: expected "<uptime seconds> <idle seconds>"');
    const loadText = await fs.readTextIfExists('/proc/loadavg');
    const load = loadText === null ? null : parseLoadavg(loadText);
    if (loadText !== null && !load) throw new Error('/proc/loadavg: expected three load averages');
    const statText = await fs.readTextIfExists('/proc/stat');
    const stat = statText === null ? null : parseProcStat(statText, (line, reason) => ctx.parseError('/proc/stat', `line ${line}: ${reason}`));
    if (!up && !load && !stat) return [{ name: 'uptime', rows: [] }];
    const tz = await timeZone(fs);
    // btime is exact; without it the boot time is derived from the uptime.
    const bootTime = stat?.btime ?? (up ? Math.round(now - up.uptime) : null);
    return [
      {
        name: 'uptime',
        rows: [
          {
            now_seconds: now,
            time_zone: tz.zone,
            time_zone_source: tz.source,
            boot_time_seconds: bootTime,
            boot_time_source: stat?.btime != null ? '/proc/stat' : up ? '/proc/uptime' : '',
            uptime_seconds: up?.uptime ?? null,
            idle_seconds: up?.idle ?? null,
            load1: load?.load1 ?? null,
            load5: load?.load5 ?? null,
            load15: load?.load15 ?? null,
            tasks_runnable: load?.runnable ?? null,
            tasks: load?.tasks ?? null,
            last_pid: load?.lastPid ?? null,
          },
        ],
      },
    ];
  },
});
