import { createHash } from 'node:crypto';
import { attemptSync, readFdTargets } from '../../host/procfs/fd.js';
import { classifyFd, parseExeLink, type FdKind } from '../../host/procfs/links.parse.js';
import { NAMESPACES, readNamespaceInode, type Namespace } from '../../host/procfs/namespaces.js';
import { parsePidStat, type PidStat } from '../../host/procfs/pid-stat.parse.js';
import type { ProcSource } from '../../host/procfs/proc-source.js';
import { parseCgroup, type CgroupFacts } from './cgroup.parse.js';
import {
  formatCmdline,
  INJECTION_VARS,
  parseChildren,
  parseEnvironNames,
  parseLimits,
  parseMaps,
  parseStatus,
  type MapsFlags,
  type ProcStatus,
  type Rlimit,
} from './processes.parse.js';

/** Reading /proc/<pid> files: processes come and go while we read, and some are not ours to read. */

export { attemptSync, NAMESPACES, type Namespace };

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
  stat: PidStat;
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
  const stat = parsePidStat(statText.value);
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
      const inode = read(`ns/${n}`, () => readNamespaceInode(src, pid, n));
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

