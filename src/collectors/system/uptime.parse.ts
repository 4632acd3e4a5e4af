import { parseCount, parseDecimal } from './common.js';

/** /proc/uptime: seconds since boot and idle seconds summed over CPUs. */
export function parseUptime(text: string): { uptime: number; idle: number | null } | null {
  const f = text.trim().split(/\s+/);
  const uptime = parseDecimal(f[0]);
  if (uptime === null || uptime < 0) return null;
  return { uptime, idle: parseDecimal(f[1]) };
}

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
  /** Runnable scheduling entities (tasks) and all of them, from the `7/162` field. */
  runnable: number | null;
  tasks: number | null;
  lastPid: number | null;
}

/** /proc/loadavg: `0.02 0.24 0.17 1/96 10001`. */
export function parseLoadavg(text: string): LoadAvg | null {
  const f = text.trim().split(/\s+/);
  const [l1, l5, l15] = [parseDecimal(f[0]), parseDecimal(f[1]), parseDecimal(f[2])];
  if (l1 === null || l5 === null || l15 === null) return null;
  const m = /^(\d+)\/(\d+)$/.exec(f[3] ?? '');
  return {
    load1: l1,
    load5: l5,
    load15: l15,
    runnable: m ? Number(m[1]) : null,
    tasks: m ? Number(m[2]) : null,
    lastPid: parseCount(f[4]),
  };
}

/**
 * The zone name of an /etc/localtime link target (`/usr/share/zoneinfo/Europe/Berlin`,
 * `../usr/share/zoneinfo/posix/UTC`), or null when the target is not under zoneinfo.
 */
export function zoneOfLocaltimeLink(target: string): string | null {
  const i = target.lastIndexOf('zoneinfo/');
  if (i < 0) return null;
  const zone = target.slice(i + 'zoneinfo/'.length).replace(/^(posix|right)\//, '');
  return /^[A-Za-z0-9_+\-./]+$/.test(zone) && !zone.includes('..') ? zone : null;
}
