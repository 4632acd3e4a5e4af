import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { HostFs } from '../../host/hostfs.js';
import { HostFsError, isNotFound } from '../../host/hostfs.js';
import { fsPath } from '../../host/names.js';

export interface WalkedEntry {
  /** Canonical host path. */
  path: string;
  st: Stats;
}

export interface WalkOptions {
  /** Levels below each root that are listed (0: the root's own entries only). */
  maxDepth: number;
  /** Entries (of any kind) looked at, at most; the walk stops there and says so. */
  maxEntries: number;
  /** Which non-directory entries to return; the others are counted but not kept (a SUID scan keeps a handful of ~10^5). */
  keep?: (st: Stats) => boolean;
  exclude?: (path: string) => boolean;
  /** Stay on the root's filesystem (do not cross mount points). */
  sameDevice?: boolean;
  signal?: AbortSignal;
  /** An entry that could not be looked at (permission denied, vanished, link loop). */
  onSkip?: (path: string, reason: string) => void;
}

export interface WalkResult {
  entries: WalkedEntry[];
  truncated: boolean;
}

/** lstat calls in flight while listing one directory. */
const LSTAT_BATCH = 64;

function wrapErrno(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new HostFsError(path, 'ENOENT');
  if (code === 'EACCES' || code === 'EPERM') return new HostFsError(path, 'EACCES');
  return err;
}

/** Why an lstat or readdir failed, in the words of the skipped-files counts. */
export function skipReason(err: unknown): string {
  if (isNotFound(err)) return 'vanished';
  if (err instanceof HostFsError) {
    if (err.code === 'EACCES') return 'permission denied';
    if (err.code === 'ELOOP') return 'symlink loop';
  }
  return 'unreadable';
}

/**
 * Walks host paths without following symbolic links, returning every non-directory entry
 * with its lstat (regular files, links, FIFOs, sockets, devices: the caller decides). Roots
 * are canonicalised first so `/bin` and `/usr/bin` on a merged-/usr host are walked once.
 */
export async function walkPaths(fs: HostFs, roots: string[], opts: WalkOptions): Promise<WalkResult> {
  const entries: WalkedEntry[] = [];
  // Directories (and file roots) already walked: overlapping roots are walked once.
  const seen = new Set<string>();
  let examined = 0;
  let truncated = false;
  const full = () => {
    if (examined >= opts.maxEntries) truncated = true;
    return truncated;
  };
  const add = (path: string, st: Stats) => {
    examined++;
    if (!opts.keep || opts.keep(st)) entries.push({ path, st });
  };

  const visitDir = async (dir: string, depth: number, dev: number): Promise<void> => {
    let list;
    let realDir: string;
    try {
      // The directory's own path on this machine is resolved once (inside the host root); its
      // entries are then lstat'ed directly: lstat never follows the last component, so this
      // stays inside the root and saves a path walk per entry (a whole-disk scan has ~10^6).
      realDir = await fs.realPath(dir);
      list = await fs.readdir(dir);
    } catch (err) {
      opts.onSkip?.(dir, skipReason(err));
      return;
    }
    const subdirs: string[] = [];
    for (let i = 0; i < list.length; i += LSTAT_BATCH) {
      if (full() || opts.signal?.aborted) return;
      const batch = list.slice(i, i + LSTAT_BATCH).flatMap((e) => {
        const p = `${dir === '/' ? '' : dir}/${e.name}`;
        if (opts.exclude?.(p) || seen.has(p)) return [];
        return [{ p, real: `${realDir === '/' ? '' : realDir}/${e.name}` }];
      });
      const stats = await Promise.all(
        batch.map(({ p, real }) =>
          lstat(fsPath(real)).catch((err: unknown) => {
            opts.onSkip?.(p, skipReason(wrapErrno(p, err)));
            return null;
          }),
        ),
      );
      batch.forEach(({ p }, j) => {
        const st = stats[j];
        if (!st || full()) return;
        if (st.isDirectory()) {
          examined++;
          if (depth < opts.maxDepth && (!opts.sameDevice || st.dev === dev)) subdirs.push(p);
        } else add(p, st);
      });
    }
    for (const sub of subdirs) {
      if (seen.has(sub)) continue;
      seen.add(sub);
      await visitDir(sub, depth + 1, dev);
    }
  };

  for (const root of roots) {
    if (full() || opts.signal?.aborted) break;
    let canon: string;
    let st: Stats | null;
    try {
      canon = await fs.canonical(root);
      st = await fs.lstat(canon);
    } catch (err) {
      if (!isNotFound(err)) opts.onSkip?.(root, skipReason(err));
      continue; // a configured path this host does not have
    }
    if (opts.exclude?.(canon) || seen.has(canon)) continue;
    seen.add(canon);
    if (st.isDirectory()) await visitDir(canon, 0, st.dev);
    else add(canon, st);
  }
  return { entries, truncated };
}
