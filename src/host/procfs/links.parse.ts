/** Targets of the links under /proc/<pid>: fd/*, ns/*, exe. */

export type FdKind = 'file' | 'socket' | 'pipe' | 'anon';

/** Kind of an open file from its /proc/<pid>/fd link target; socket inode when it is one. */
export function classifyFd(target: string): { kind: FdKind; inode: number | null } {
  let m = /^socket:\[(\d+)\]$/.exec(target);
  if (m) return { kind: 'socket', inode: Number(m[1]) };
  m = /^pipe:\[(\d+)\]$/.exec(target);
  if (m) return { kind: 'pipe', inode: null };
  if (target.startsWith('anon_inode:')) return { kind: 'anon', inode: null };
  return { kind: 'file', inode: null };
}

/** Inode of a namespace link target such as "net:[4026531840]". */
export function parseNamespaceLink(target: string): number | null {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : null;
}

/** The executable path of a /proc/<pid>/exe link and whether it was deleted from disk. */
export function parseExeLink(target: string): { path: string; deleted: boolean } {
  const suffix = ' (deleted)';
  return target.endsWith(suffix) ? { path: target.slice(0, -suffix.length), deleted: true } : { path: target, deleted: false };
}
