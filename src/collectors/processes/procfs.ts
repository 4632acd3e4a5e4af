import { createHash } from 'node:crypto';
import { HostFsError, type HostFs } from '../../host/hostfs.js';
import type { ProcSource } from './proc-source.js';
import { parseCgroup, type CgroupFacts } from './cgroup.parse.js';
import {
  classifyFd,
  formatCmdline,
  INJECTION_VARS,
  parseChildren,
  parseEnvironNames,
  parseExeLink,
  parseLimits,
  parseMaps,
  parseNamespaceLink,
  parseStat,
  parseStatus,
  type FdKind,
  type MapsFlags,
  type ProcStat,
  type ProcStatus,
  type Rlimit,
} from './processes.parse.js';

/** Reading /proc/<pid> files: processes come and go while we read, and some are not ours to read. */

export const NAMESPACES = ['mnt', 'net', 'pid', 'user', 'uts', 'ipc', 'cgroup'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** What happened to one per-process read. */
type Outcome<T> = { ok: true; value: T } | { ok: false; why: 'missing' | 'denied' | 'error'; message: string };

/** Numeric entries of the /proc listing; null when the host has no /proc. */
export async function listPids(fs: HostFs): Promise<number[] | null> {
  if (!(await fs.statIfExists('/proc'))?.isDirectory()) return null;
  // Streamed: 100,000 processes cost an array of numbers, not one of directory entries.
  const pids: number[] = [];
  for await (const e of fs.entries('/proc')) if (/^[1-9]\d*$/.test(e.name)) pids.push(Number(e.name));
  return pids.sort((a, b) => a - b);
}

/**
 * Runs one read of a /proc/<pid> file (ProcSource reads are synchronous). A missing
 * file (the process exited, ESRCH, or a kernel thread without that file) and a
 * denied one are outcomes, not failures.
 */
export function attemptSync<T>(read: () => T): Outcome<T> {
  try {
    return { ok: true, value: read() };
  } catch (err) {
    if (!(err instanceof HostFsError)) throw err;
    const why = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 'missing' : err.code === 'EACCES' ? 'denied' : 'error';
    return { ok: false, why, message: err.message };
  }
}

/** Link targets of /proc/<pid>/fd/*; throws when the directory cannot be read (exited or denied). */
export function readFdTargets(src: ProcSource, pid: number): string[] {
  const targets: string[] = [];
  for (const name of src.readdir(`${pid}/fd`)) {
    const t = attemptSync(() => src.readlink(`${pid}/fd/${name}`));
    if (t.ok) targets.push(t.value); // an fd closed in between is simply gone
  }
  return targets;
}

/** Socket inodes a process holds open. */
export function socketInodes(targets: string[]): number[] {
  const out: number[] = [];
  for (const t of targets) {
    const c = classifyFd(t);
    if (c.inode !== null) out.push(c.inode);
  }
  return out;
}

/** Facts that only change when a process executes another program, read again after `detailMaxAge` at the latest. */
export interface ProcessDetails {
  cmdline: string | null;
  envNames: string[] | null;
  limits: Record<string, Rlimit> | null;
  namespaces: Partial<Record<Namespace, number>>;
  maps: MapsFlags | null;
  cgroup: CgroupFacts | null;
  denied: string[];
}

export interface ProcessFacts extends ProcessDetails {
  pid: number;
  stat: ProcStat;
  status: ProcStatus | null;
  /** Raw target of /proc/<pid>/exe, '' for kernel threads and unreadable links. */
  exeLink: string;
  exe: string;
  exeDeleted: boolean;
  fds: Record<FdKind, number> | null;
}

interface CachedDetails {
  /** Same process, same program: pid, start time, exe link and name. */
  identity: string;
  readAt: number;
  details: ProcessDetails;
}

/**
 * Details of each process kept between refreshes. Reading maps, environ, limits,
 * cgroup and namespaces of every process on every refresh is most of the cost of
 * a refresh; they are read again when the process executes another program and
 * at least every `maxAge` milliseconds.
 */
export class DetailsCache {
  private entries = new Map<number, CachedDetails>();
  private next = new Map<number, CachedDetails>();

  constructor(
    private readonly now: () => number,
    private readonly maxAge: number,
  ) {}

  begin(): void {
    this.next = new Map();
  }

  /** 75–100 % of maxAge, fixed per pid: processes seen first together are not all re-read in the same refresh. */
  private maxAgeOf(pid: number): number {
    return this.maxAge * (0.75 + (((pid * 2654435761) >>> 0) % 1000) / 4000);
  }

  /** Entries of processes not seen during the refresh are dropped. */
  end(): void {
    this.entries = this.next;
  }

  get(pid: number, identity: string): ProcessDetails | null {
    const e = this.entries.get(pid);
    if (!e || e.identity !== identity || this.now() - e.readAt >= this.maxAgeOf(pid)) return null;
    this.next.set(pid, e);
    return e.details;
  }

  set(pid: number, identity: string, details: ProcessDetails): void {
    this.next.set(pid, { identity, readAt: this.now(), details });
  }
}

export interface ReadProcessOptions {
  cmdlineMax: number;
  /** redacted: joined, secrets redacted, capped; sha256: a hash of the raw arguments; off: null. */
  cmdlineMode?: 'redacted' | 'sha256' | 'off';
  /** Report a read that failed for another reason than "missing" or "denied". */
  onError(file: string, message: string): void;
  cache?: DetailsCache;
}

const PROC_READ_CAP = 8 * 1024 * 1024;

function cmdlineValue(buf: Buffer, opts: ReadProcessOptions): string | null {
  switch (opts.cmdlineMode ?? 'redacted') {
    case 'off':
      return null;
    case 'sha256':
      return buf.length === 0 ? '' : 'sha256:' + createHash('sha256').update(buf).digest('hex');
    default:
      return formatCmdline(buf, opts.cmdlineMax);
  }
}

/** Reads the facts of one process; null when it is gone (or its stat is unreadable garbage). */
export function readProcess(src: ProcSource, pid: number, opts: ReadProcessOptions): ProcessFacts | null {
  const base = `/proc/${pid}`;
  const statText = attemptSync(() => src.readText(`${pid}/stat`));
  if (!statText.ok) {
    if (statText.why === 'error') opts.onError(`${base}/stat`, statText.message);
    return null;
  }
  const stat = parseStat(statText.value);
  if (!stat) {
    opts.onError(`${base}/stat`, 'not a /proc/<pid>/stat line');
    return null;
  }
  const denied: string[] = [];
  const read = <T>(file: string, fn: () => T): T | null => {
    const o = attemptSync(fn);
    if (o.ok) return o.value;
    if (o.why === 'denied') denied.push(file);
    else if (o.why === 'error') opts.onError(`${base}/${file}`, o.message);
    return null;
  };
  const statusText = read('status', () => src.readText(`${pid}/status`));
  const exeLink = read('exe', () => src.readlink(`${pid}/exe`)) ?? '';
  const { path, deleted } = parseExeLink(exeLink);
  const targets = read('fd', () => readFdTargets(src, pid));
  let fds: Record<FdKind, number> | null = null;
  if (targets) {
    fds = { file: 0, socket: 0, pipe: 0, anon: 0 };
    for (const t of targets) fds[classifyFd(t).kind]++;
  }
  const identity = `${stat.startTicks}\0${stat.comm}\0${exeLink}`;
  let details = opts.cache?.get(pid, identity) ?? null;
  if (!details) {
    const before = denied.length;
    const namespaces: Partial<Record<Namespace, number>> = {};
    for (const n of NAMESPACES) {
      const link = read(`ns/${n}`, () => src.readlink(`${pid}/ns/${n}`));
      const inode = link === null ? null : parseNamespaceLink(link);
      if (inode !== null) namespaces[n] = inode;
    }
    const cmdBuf = read('cmdline', () => src.readBytes(`${pid}/cmdline`, PROC_READ_CAP));
    const envBuf = read('environ', () => src.readBytes(`${pid}/environ`, PROC_READ_CAP));
    const limitsText = read('limits', () => src.readText(`${pid}/limits`));
    const mapsText = read('maps', () => src.readText(`${pid}/maps`, PROC_READ_CAP));
    const cgroupText = read('cgroup', () => src.readText(`${pid}/cgroup`));
    details = {
      cmdline: cmdBuf === null ? null : cmdlineValue(cmdBuf, opts),
      envNames: envBuf === null ? null : parseEnvironNames(envBuf),
      limits: limitsText === null ? null : parseLimits(limitsText),
      namespaces,
      maps: mapsText === null ? null : parseMaps(mapsText),
      cgroup: cgroupText === null ? null : parseCgroup(cgroupText),
      denied: denied.splice(before),
    };
    opts.cache?.set(pid, identity, details);
  }
  return {
    pid,
    stat,
    status: statusText === null ? null : parseStatus(statusText),
    exeLink,
    exe: path,
    exeDeleted: deleted,
    fds,
    ...details,
    denied: [...denied, ...details.denied],
  };
}

export function injectionVars(envNames: string[] | null): Set<string> {
  const set = new Set<string>();
  for (const v of INJECTION_VARS) if (envNames?.includes(v)) set.add(v);
  return set;
}

/**
 * Pids this process knows of: its threads (task/*), the children of each thread
 * and its parent. A rootkit that hides a pid from the /proc listing rarely hides
 * it from all of these.
 */
export function relatedPids(src: ProcSource, pid: number, ppid: number | null): number[] {
  const out: number[] = ppid ? [ppid] : [];
  const tasks = attemptSync(() => src.readdir(`${pid}/task`));
  if (!tasks.ok) return out;
  for (const t of tasks.value) {
    if (!/^\d+$/.test(t)) continue;
    out.push(Number(t));
    const children = attemptSync(() => src.readText(`${pid}/task/${t}/children`));
    if (children.ok) out.push(...parseChildren(children.value));
  }
  return out;
}

/** Thread-group leader check of a pid that is not listed: its status answers with Tgid == pid. */
export function isAliveLeader(src: ProcSource, pid: number): boolean {
  const status = attemptSync(() => src.readText(`${pid}/status`));
  return status.ok && parseStatus(status.value).tgid === pid;
}

/**
 * Hidden processes: candidate pids (from the listed processes' threads, children
 * and parents) that are alive thread-group leaders but absent from the listing.
 */
export async function findHiddenPids(
  listed: Set<number>,
  candidates: Iterable<number>,
  isLeader: (pid: number) => boolean | Promise<boolean>,
): Promise<number[]> {
  const hidden: number[] = [];
  const checked = new Set<number>();
  for (const pid of candidates) {
    if (pid <= 0 || listed.has(pid) || checked.has(pid)) continue;
    checked.add(pid);
    if (await isLeader(pid)) hidden.push(pid);
  }
  return hidden.sort((a, b) => a - b);
}

