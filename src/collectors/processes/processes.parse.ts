/** Pure parsers of /proc/<pid> files (no I/O). */
import { REDACT_INPUT_CAP, redactArgv } from '../../util/redact.js';

export const STATE_NAMES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk_sleep',
  Z: 'zombie',
  T: 'stopped',
  t: 'tracing_stop',
  X: 'dead',
  x: 'dead',
  I: 'idle',
  P: 'parked',
  K: 'wakekill',
  W: 'waking',
};

export function stateName(letter: string): string {
  return STATE_NAMES[letter] ?? 'unknown';
}

export interface ProcStatus {
  name: string;
  tgid: number | null;
  ppid: number | null;
  uid: number | null;
  euid: number | null;
  gid: number | null;
  egid: number | null;
  threads: number | null;
}

/** Parses /proc/<pid>/status ("Key:\tvalue" lines); missing keys are null. */
export function parseStatus(text: string): ProcStatus {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const num = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  const ids = (key: string): [number | null, number | null] => {
    const f = (kv.get(key) ?? '').split(/\s+/);
    return [num(f[0]), num(f[1])];
  };
  const [uid, euid] = ids('Uid');
  const [gid, egid] = ids('Gid');
  return {
    name: kv.get('Name') ?? '',
    tgid: num(kv.get('Tgid')),
    ppid: num(kv.get('PPid')),
    uid,
    euid,
    gid,
    egid,
    threads: num(kv.get('Threads')),
  };
}

/** The few rlimits worth a baseline, named after `ulimit`/prlimit resources. */
const LIMITS: Record<string, string> = {
  'Max open files': 'nofile',
  'Max processes': 'nproc',
  'Max core file size': 'core',
  'Max locked memory': 'memlock',
};

export interface Rlimit {
  soft: string;
  hard: string;
}

/** Parses /proc/<pid>/limits; values stay as the kernel prints them ("unlimited" or a number). */
export function parseLimits(text: string): Record<string, Rlimit> {
  const out: Record<string, Rlimit> = {};
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const key = m && LIMITS[m[1]!];
    if (key) out[key] = { soft: m[2]!, hard: m[3]! };
  }
  return out;
}

/** Shared memory of System V shows as a deleted file, and is not a sign of anything. */
const BENIGN_DELETED = /^\/(SYSV[0-9a-f]{8}|dev\/zero) \(deleted\)$/;

export interface MapsFlags {
  mappings: number;
  /** Mappings of files deleted from disk (memfd included, SysV shm excluded). */
  deleted: number;
  /** Mappings both writable and executable. */
  writableExecutable: number;
}

/** Counts flags of /proc/<pid>/maps lines: "start-end perms offset dev inode [path]". */
export function parseMaps(text: string): MapsFlags {
  const flags: MapsFlags = { mappings: 0, deleted: 0, writableExecutable: 0 };
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ ([r-][w-][x-][ps]) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (!m) continue;
    flags.mappings++;
    const perms = m[1]!;
    if (perms[1] === 'w' && perms[2] === 'x') flags.writableExecutable++;
    const path = m[2]!;
    if (path.endsWith(' (deleted)') && !BENIGN_DELETED.test(path)) flags.deleted++;
  }
  return flags;
}

/** Loader variables that inject code into a process. */
export const INJECTION_VARS = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT'] as const;

/** Names of the variables of /proc/<pid>/environ; the values are dropped here and never kept. */
export function parseEnvironNames(buf: Buffer | string): string[] {
  const text = typeof buf === 'string' ? buf : buf.toString('latin1');
  const names = new Set<string>();
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : '';
    if (/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(name)) names.add(name);
  }
  return [...names].sort();
}

/**
 * /proc/<pid>/cmdline (NUL-separated) as one line, secrets redacted (src/util/redact.ts) before
 * it is capped; control characters become blanks.
 */
export function formatCmdline(buf: Buffer | string, maxLength = 256): string {
  const text = typeof buf === 'string' ? buf : buf.toString('utf8');
  const args = text.split('\0');
  if (args.length > 0 && args[args.length - 1] === '') args.pop();
  // Only the start is shown: arguments past what fits (and the tail of huge ones) are not redacted for nothing.
  const kept: string[] = [];
  let budget = maxLength + REDACT_INPUT_CAP;
  for (const a of args) {
    if (budget <= 0) break;
    kept.push(a.length > REDACT_INPUT_CAP ? a.slice(0, REDACT_INPUT_CAP) : a);
    budget -= a.length + 1;
  }
  const line = redactArgv(kept).join(' ').replace(/[\x00-\x1f\x7f]/g, ' ');
  return line.length > maxLength ? line.slice(0, maxLength - 1) + '…' : line;
}

/** Running from a world-writable scratch place. */
export function isTmpExec(exe: string): boolean {
  return /^\/(tmp|var\/tmp|dev\/shm)\//.test(exe);
}

/** Pids of a /proc/<pid>/task/<tid>/children file ("12 34 "). */
export function parseChildren(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/**
 * A kernel thread's name without its per-CPU, per-device and per-worker parts, which
 * kernel workers rename all the time: `kworker/3:1-events` → `kworker`,
 * `irq/45-nvme0q1` → `irq`, `scsi_eh_0` → `scsi_eh`.
 */
export function kernelThreadFamily(name: string): string {
  const head = name.split('/')[0] ?? name;
  return head.replace(/\d+/g, '').replace(/[-_:.]+$/, '') || head;
}

/**
 * A systemd unit with its per-instance number left out: login sessions and transient
 * `systemd-run` units get a new name each time (`session-42.scope` → `session-N.scope`).
 */
export function stableUnit(unit: string): string {
  return unit.replace(/^session-\d+\.scope$/, 'session-N.scope').replace(/^run-[pru]?[0-9a-f]+\.(scope|service)$/, 'run-N.$1');
}

/**
 * What identifies a process across restarts and pids, for drift: the executable (path,
 * sha256), who runs it, and its container or unit. Kernel threads have no executable:
 * their name family stands in.
 */
export function processIdentity(r: Record<string, string | number | boolean | null>): Record<string, string | null> {
  const kernel = r.kernel_thread === true;
  return {
    exe: kernel ? '' : String(r.exe ?? ''),
    exe_sha256: kernel || typeof r.exe_sha256 !== 'string' ? null : r.exe_sha256,
    user: String(r.user ?? ''),
    container_id: kernel ? '' : String(r.container_id ?? ''),
    unit: kernel ? '' : stableUnit(String(r.unit ?? '')),
    kernel_thread_name: kernel ? kernelThreadFamily(String(r.name ?? '')) : '',
  };
}
