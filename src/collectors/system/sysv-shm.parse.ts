import { parseCount } from './common.js';

export interface ShmSegment {
  /** IPC key as ipcs shows it (`0x5a17c0de`; `0x00000000` is IPC_PRIVATE). */
  key: string;
  shmid: number;
  /** Permission bits in octal (`0600`), without the SHM_DEST/SHM_LOCKED state bits. */
  perms: string;
  mode: number;
  size: number;
  cpid: number;
  lpid: number;
  nattch: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  atime: number;
  dtime: number;
  ctime: number;
  rss: number | null;
  swap: number | null;
  /** Marked for removal once the last process detaches (SHM_DEST, 01000). */
  destroyPending: boolean;
  /** Locked in memory (SHM_LOCKED, 02000). */
  locked: boolean;
}

const REQUIRED = ['key', 'shmid', 'perms', 'size', 'cpid', 'lpid', 'nattch', 'uid', 'gid', 'cuid', 'cgid', 'atime', 'dtime', 'ctime'] as const;

/**
 * Parses /proc/sysvipc/shm. Columns are found by the header line (their set has
 * grown over kernel versions: rss and swap came later); `key` is a signed
 * decimal, `perms` octal. Null when the header is missing (not that file).
 */
export function parseSysvShm(text: string, onBadLine?: (line: number, reason: string) => void): ShmSegment[] | null {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  if (REQUIRED.some((c) => !header.includes(c))) return null;
  const col = (f: string[], name: string): string | undefined => f[header.indexOf(name)];
  const out: ShmSegment[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const key = /^-?\d+$/.test(col(f, 'key') ?? '') ? Number(col(f, 'key')) : null;
    const perms = /^[0-7]+$/.test(col(f, 'perms') ?? '') ? parseInt(col(f, 'perms')!, 8) : null;
    const nums = Object.fromEntries(REQUIRED.filter((c) => c !== 'key' && c !== 'perms').map((c) => [c, parseCount(col(f, c))]));
    if (f.length < header.length || key === null || perms === null || Object.values(nums).some((v) => v === null)) {
      onBadLine?.(i + 1, 'expected the columns of the header line');
      continue;
    }
    const n = nums as Record<string, number>;
    out.push({
      key: '0x' + (key >>> 0).toString(16).padStart(8, '0'),
      shmid: n.shmid!,
      perms: '0' + (perms & 0o777).toString(8).padStart(3, '0'),
      mode: perms,
      size: n.size!,
      cpid: n.cpid!,
      lpid: n.lpid!,
      nattch: n.nattch!,
      uid: n.uid!,
      gid: n.gid!,
      cuid: n.cuid!,
      cgid: n.cgid!,
      atime: n.atime!,
      dtime: n.dtime!,
      ctime: n.ctime!,
      rss: header.includes('rss') ? parseCount(col(f, 'rss')) : null,
      swap: header.includes('swap') ? parseCount(col(f, 'swap')) : null,
      destroyPending: (perms & 0o1000) !== 0,
      locked: (perms & 0o2000) !== 0,
    });
  }
  return out;
}
