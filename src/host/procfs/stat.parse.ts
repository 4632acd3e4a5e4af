/** A non-negative decimal counter, or null. */
function parseCount(s: string | undefined): number | null {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null;
}

/** Column names of the `cpu` lines of /proc/stat, in order (proc(5)). */
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guest_nice'] as const;
export type CpuMode = (typeof CPU_MODES)[number];

/**
 * The clock tick of /proc/stat (USER_HZ). It is 100 on every Linux architecture
 * user space can see (the kernel rescales to it), so it is a constant, not sysconf.
 */
export const USER_HZ = 100;

/** The system-wide counters of /proc/stat (not /proc/<pid>/stat: that is PidStat). */
export interface SystemStat {
  /** Jiffies per mode, summed over all CPUs (the `cpu ` line); modes the kernel does not print are absent. */
  cpu: Partial<Record<CpuMode, number>>;
  /** Per-CPU lines seen (`cpu0`, `cpu1`, …). */
  cpuLines: number;
  btime: number | null;
  processes: number | null;
  procsRunning: number | null;
  procsBlocked: number | null;
  ctxt: number | null;
}

/** Parses the lines of /proc/stat this exporter uses; unknown lines are ignored, bad known lines reported. */
export function parseProcStat(text: string, onBadLine?: (line: number, reason: string) => void): SystemStat {
  const out: SystemStat = { cpu: {}, cpuLines: 0, btime: null, processes: null, procsRunning: null, procsBlocked: null, ctxt: null };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    const key = f[0]!;
    if (key === 'cpu') {
      const values = f.slice(1).map((v) => parseCount(v));
      if (values.length < 4 || values.some((v) => v === null)) {
        onBadLine?.(i + 1, 'cpu line: expected at least 4 counters');
        continue;
      }
      values.slice(0, CPU_MODES.length).forEach((v, j) => (out.cpu[CPU_MODES[j]!] = v!));
    } else if (/^cpu\d+$/.test(key)) {
      out.cpuLines++;
    } else if (key === 'btime' || key === 'processes' || key === 'procs_running' || key === 'procs_blocked' || key === 'ctxt') {
      const v = parseCount(f[1]);
      if (v === null) {
        onBadLine?.(i + 1, `${key}: expected a number`);
        continue;
      }
      if (key === 'btime') out.btime = v;
      else if (key === 'processes') out.processes = v;
      else if (key === 'procs_running') out.procsRunning = v;
      else if (key === 'procs_blocked') out.procsBlocked = v;
      else out.ctxt = v;
    }
  }
  return out;
}
