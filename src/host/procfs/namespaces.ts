import { parseNamespaceLink } from './links.parse.js';
import type { ProcSource } from './proc-source.js';

export const NAMESPACES = ['mnt', 'net', 'pid', 'user', 'uts', 'ipc', 'cgroup'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** The inode of a process's namespace (/proc/<pid>/ns/<ns>); null for an unexpected link. Throws as ProcSource does. */
export function readNamespaceInode(src: ProcSource, pid: number, ns: Namespace): number | null {
  return parseNamespaceLink(src.readlink(`${pid}/ns/${ns}`));
}
