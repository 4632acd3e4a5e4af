import { HostFsError } from '../hostfs.js';
import { classifyFd } from './links.parse.js';
import type { ProcSource } from './proc-source.js';

/** What happened to one per-process read. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; why: 'missing' | 'denied' | 'error'; message: string };

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
