/** /proc/<pid>/stat (not the system-wide /proc/stat: that is SystemStat). */

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  threads: number;
  /** Field 22: clock ticks after boot. */
  startTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name sits between the first "(" and the
 * last ")" and may itself contain spaces and parentheses.
 */
export function parsePidStat(text: string): PidStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  if (!Number.isInteger(pid) || rest.length < 20 || !/^[A-Za-z]$/.test(rest[0]!)) return null;
  const ppid = Number(rest[1]);
  const threads = Number(rest[17]);
  const startTicks = Number(rest[19]);
  if (![ppid, threads, startTicks].every(Number.isFinite)) return null;
  return { pid, comm: text.slice(open + 1, close), state: rest[0]!, ppid, threads, startTicks };
}
