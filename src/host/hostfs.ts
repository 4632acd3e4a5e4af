import { constants as C, lstatSync, realpathSync, type Dir, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { escapeName, fsPath } from './names.js';

const posix = path.posix;

/** Default size cap of one read: large enough for a big dpkg status file, small enough to never exhaust memory. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Same limit as Linux's MAXSYMLINKS. */
const MAX_SYMLINK_HOPS = 40;
const CHUNK = 64 * 1024;

export type HostFsErrorCode =
  | 'ENOENT'
  | 'EACCES'
  | 'ELOOP'
  | 'ETOOBIG'
  | 'ENOTREG'
  | 'ENOTDIR'
  | 'EINVAL'
  | 'EIO';

const REASONS: Record<HostFsErrorCode, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ETOOBIG: 'file too large',
  ENOTREG: 'not a regular file',
  ENOTDIR: 'not a directory',
  EINVAL: 'invalid path',
  EIO: 'I/O error',
};

/** A failed host read; the message always names the host path and the reason. */
export class HostFsError extends Error {
  constructor(
    readonly hostPath: string,
    readonly code: HostFsErrorCode,
    detail?: string,
  ) {
    super(`${hostPath}: ${REASONS[code]}${detail ? ` (${detail})` : ''}`);
    this.name = 'HostFsError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof HostFsError && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

/** Entries lstat'ed between two turns of the event loop (lstatEntries). */
const ENTRY_SLICE = 256;

function wrap(hostPath: string, err: unknown): HostFsError {
  if (err instanceof HostFsError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ESRCH': // a /proc/<pid> entry of a process that just exited
      return new HostFsError(hostPath, 'ENOENT');
    case 'ENOTDIR':
      return new HostFsError(hostPath, 'ENOTDIR');
    case 'EACCES':
    case 'EPERM':
      return new HostFsError(hostPath, 'EACCES');
    case 'ELOOP':
      return new HostFsError(hostPath, 'ELOOP');
    case 'EISDIR':
      return new HostFsError(hostPath, 'ENOTREG', 'is a directory');
    default:
      return new HostFsError(hostPath, 'EIO', (err as Error).message);
  }
}

export interface HostFsOptions {
  /** The host's `/` (`--path.rootfs`). */
  rootfs: string;
  /** The host's `/proc` (`--path.procfs`); defaults to `<rootfs>/proc`. */
  procfs?: string;
  /** The host's `/sys` (`--path.sysfs`); defaults to `<rootfs>/sys`. */
  sysfs?: string;
  maxFileBytes?: number;
}

export interface ReadOptions {
  maxBytes?: number;
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';
export interface DirEntry {
  /** The entry's name, escaped (src/host/names.ts): valid UTF-8 whatever bytes the name holds. */
  name: string;
  type: EntryType;
}

function realRoot(dir: string, flag: string, required = true): string {
  try {
    return escapeName(realpathSync(fsPath(path.resolve(dir)), { encoding: 'buffer' }));
  } catch (err) {
    // A derived default (<rootfs>/proc of a host tree without one) just reads as empty.
    if (!required) return path.resolve(dir);
    throw new Error(`${flag}=${dir}: ${(err as Error).message}`);
  }
}

/**
 * Every read of the host goes through here. Paths are host paths ("/etc/passwd");
 * they are resolved inside the host root, symbolic links included: an absolute
 * link target is taken relative to the root and ".." never climbs above it.
 * Reads are size-capped and never trust stat sizes (procfs reports 0).
 *
 * Host paths, directory entry names and link targets are escaped strings
 * (src/host/names.ts): a name that is not valid UTF-8 or holds control characters is
 * listed like any other, and its exact bytes are used at the system call. So are the
 * paths on this machine that `realPath` returns: pass them to node:fs through `fsPath`.
 */
export class HostFs {
  readonly rootfs: string;
  readonly procfs: string;
  readonly sysfs: string;
  readonly maxFileBytes: number;

  constructor(opts: HostFsOptions) {
    this.rootfs = realRoot(opts.rootfs, '--path.rootfs');
    this.procfs = realRoot(opts.procfs ?? posix.join(this.rootfs, 'proc'), '--path.procfs', opts.procfs !== undefined);
    this.sysfs = realRoot(opts.sysfs ?? posix.join(this.rootfs, 'sys'), '--path.sysfs', opts.sysfs !== undefined);
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** Maps a canonical host path to the path on this machine, without following links. */
  private map(hostPath: string): string {
    if (hostPath === '/proc' || hostPath.startsWith('/proc/')) return this.procfs + hostPath.slice(5);
    if (hostPath === '/sys' || hostPath.startsWith('/sys/')) return this.sysfs + hostPath.slice(4);
    return this.rootfs === '/' ? hostPath : this.rootfs + (hostPath === '/' ? '' : hostPath);
  }

  private rootOf(real: string): string {
    for (const r of [this.procfs, this.sysfs, this.rootfs]) {
      if (real === r || real.startsWith(r === '/' ? '/' : r + '/')) return r;
    }
    return '';
  }

  private static check(hostPath: string): string {
    if (!hostPath.startsWith('/') || hostPath.includes('\0')) throw new HostFsError(hostPath, 'EINVAL', 'host paths are absolute');
    return posix.normalize(hostPath);
  }

  /**
   * Resolves symbolic links of a host path inside the host root and returns the
   * canonical host path. Missing trailing components are kept as they are.
   */
  async canonical(hostPath: string): Promise<string> {
    const normal = HostFs.check(hostPath);
    const real = this.map(normal);
    // Fast path: the kernel's realpath equals the lexical path, so no link was followed.
    try {
      const local = fsPath(real);
      const resolved = await fsp.realpath(local, { encoding: 'buffer' });
      if (resolved.equals(typeof local === 'string' ? Buffer.from(local) : local)) return normal;
    } catch {
      // fall through to the careful walk, which reports the right error
    }
    return this.walkLinks(normal);
  }

  private async walkLinks(normal: string): Promise<string> {
    const pending = normal.split('/').filter(Boolean).reverse();
    const done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop()!;
      if (part === '.') continue;
      if (part === '..') {
        done.pop(); // at the root, ".." stays at the root
        continue;
      }
      const candidate = '/' + [...done, part].join('/');
      let st: Stats;
      try {
        st = await fsp.lstat(fsPath(this.map(candidate)));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          // Nothing to follow below a missing component: keep the rest lexically.
          done.push(part, ...pending.reverse());
          return '/' + done.join('/');
        }
        throw wrap(normal, err);
      }
      if (!st.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) throw new HostFsError(normal, 'ELOOP');
      let target: string;
      try {
        target = escapeName(await fsp.readlink(fsPath(this.map(candidate)), { encoding: 'buffer' }));
      } catch (err) {
        throw wrap(normal, err);
      }
      if (target.startsWith('/')) done.length = 0;
      pending.push(...target.split('/').filter(Boolean).reverse());
    }
    return '/' + done.join('/');
  }

  /**
   * The path on this machine of a host path, links resolved inside the root; escaped like
   * every host path, so node:fs takes it through `fsPath`.
   */
  async realPath(hostPath: string): Promise<string> {
    const real = this.map(await this.canonical(hostPath));
    if (!this.rootOf(real)) throw new HostFsError(hostPath, 'EINVAL', 'outside the host root');
    return real;
  }

  /**
   * Opens a host file for streamed or positional reads (hashing, headers) with the
   * guards of every read: resolved inside the root, the last component not followed,
   * never blocking on a FIFO, and only regular files (block devices when asked).
   * The caller closes the handle.
   */
  async open(hostPath: string, opts: { blockDevices?: boolean } = {}): Promise<{ handle: fsp.FileHandle; stats: Stats }> {
    const real = await this.realPath(hostPath);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(fsPath(real), C.O_RDONLY | C.O_NONBLOCK | C.O_NOFOLLOW);
    } catch (err) {
      // ENXIO/ENOMEDIUM: a device node without a device behind it.
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'ENXIO' || code === 'ENOMEDIUM' ? new HostFsError(hostPath, 'ENOENT') : wrap(hostPath, err);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile() && !(opts.blockDevices && stats.isBlockDevice()))
        throw new HostFsError(hostPath, 'ENOTREG', opts.blockDevices ? 'not a block device' : undefined);
      return { handle, stats };
    } catch (err) {
      await handle.close().catch(() => {});
      throw wrap(hostPath, err);
    }
  }

  async readBytes(hostPath: string, opts: ReadOptions = {}): Promise<Buffer> {
    // A caller may only lower the configured limit, never raise it.
    const max = Math.min(opts.maxBytes ?? this.maxFileBytes, this.maxFileBytes);
    const real = await this.realPath(hostPath);
    let fh: fsp.FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO must never wait for a writer.
      fh = await fsp.open(fsPath(real), C.O_RDONLY | C.O_NONBLOCK | C.O_NOFOLLOW);
    } catch (err) {
      throw wrap(hostPath, err);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new HostFsError(hostPath, 'ENOTREG');
      if (st.size > max) throw new HostFsError(hostPath, 'ETOOBIG', `${st.size} bytes, limit ${max}`);
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, max + 1 - total));
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > max) throw new HostFsError(hostPath, 'ETOOBIG', `more than ${max} bytes`);
        chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      }
      return Buffer.concat(chunks, total);
    } catch (err) {
      throw wrap(hostPath, err);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  async readText(hostPath: string, opts: ReadOptions = {}): Promise<string> {
    return (await this.readBytes(hostPath, opts)).toString('utf8');
  }

  /** Like readText, but a missing file is `null` (a source this host does not have). */
  async readTextIfExists(hostPath: string, opts: ReadOptions = {}): Promise<string | null> {
    try {
      return await this.readText(hostPath, opts);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async readBytesIfExists(hostPath: string, opts: ReadOptions = {}): Promise<Buffer | null> {
    try {
      return await this.readBytes(hostPath, opts);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * Directory entries, sorted by name. Names are read as bytes and escaped: no entry is
   * ever dropped or altered beyond recognition because of its name.
   */
  async readdir(hostPath: string): Promise<DirEntry[]> {
    const real = await this.realPath(hostPath);
    try {
      const entries = await fsp.readdir(fsPath(real), { withFileTypes: true, encoding: 'buffer' });
      return entries
        .map((e) => ({
          name: escapeName(e.name),
          type: (e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'symlink' : 'other') as EntryType,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      throw wrap(hostPath, err);
    }
  }

  /**
   * Directory entries one at a time, in the filesystem's order, names escaped like `readdir`:
   * a directory of 100,000 entries (/proc, /home) costs one entry, not an array of them. A
   * missing directory yields nothing.
   */
  async *entries(hostPath: string): AsyncGenerator<DirEntry> {
    let dir: Dir;
    try {
      // Node's types do not know the 'buffer' encoding of opendir; at run time names are Buffers.
      dir = await fsp.opendir(fsPath(await this.realPath(hostPath)), { encoding: 'buffer' as BufferEncoding, bufferSize: 256 });
    } catch (err) {
      const e = wrap(hostPath, err);
      if (isNotFound(e)) return;
      throw e;
    }
    try {
      for await (const e of dir) yield { name: escapeName(e.name as unknown as Buffer), type: e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'symlink' : 'other' };
    } catch (err) {
      throw wrap(hostPath, err);
    }
  }

  async readdirIfExists(hostPath: string): Promise<DirEntry[] | null> {
    try {
      return await this.readdir(hostPath);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** stat, following links inside the root. */
  async stat(hostPath: string): Promise<Stats> {
    const real = await this.realPath(hostPath);
    try {
      return await fsp.stat(fsPath(real));
    } catch (err) {
      throw wrap(hostPath, err);
    }
  }

  async statIfExists(hostPath: string): Promise<Stats | null> {
    try {
      return await this.stat(hostPath);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** lstat of the entry itself; links in the parent directories are resolved inside the root. */
  async lstat(hostPath: string): Promise<Stats> {
    const normal = HostFs.check(hostPath);
    const parent = await this.canonical(posix.dirname(normal));
    try {
      return await fsp.lstat(fsPath(this.map(posix.join(parent, posix.basename(normal)))));
    } catch (err) {
      throw wrap(hostPath, err);
    }
  }

  /**
   * lstat of several entries of one directory, each as `lstat` would give it (an error in its
   * place when it fails): the directory's links are resolved once, not once per entry, which is
   * what verifying the thousands of files of a package database costs otherwise.
   */
  async lstatEntries(dir: string, names: readonly string[]): Promise<(Stats | HostFsError)[]> {
    const normal = HostFs.check(dir);
    let parent: string;
    try {
      parent = await this.canonical(normal);
    } catch (err) {
      const e = err instanceof HostFsError ? err : wrap(dir, err);
      return names.map(() => e);
    }
    // Synchronous lstat of entries in an already resolved directory costs a few microseconds each,
    // a promise through the thread pool ten times more; the loop yields every ENTRY_SLICE entries.
    const out: (Stats | HostFsError)[] = [];
    for (let i = 0; i < names.length; i++) {
      if (i > 0 && i % ENTRY_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const name = names[i]!;
      const hostPath = posix.join(normal, name);
      if (name === '' || name.includes('/') || name === '.' || name === '..') {
        out.push(new HostFsError(hostPath, 'EINVAL', 'not a directory entry'));
        continue;
      }
      try {
        out.push(lstatSync(fsPath(this.map(posix.join(parent, name)))));
      } catch (err) {
        out.push(wrap(hostPath, err));
      }
    }
    return out;
  }

  /** The raw target of a symbolic link (e.g. `/proc/<pid>/exe`), not followed; escaped like a name. */
  async readlink(hostPath: string): Promise<string> {
    const normal = HostFs.check(hostPath);
    const parent = await this.canonical(posix.dirname(normal));
    try {
      return escapeName(await fsp.readlink(fsPath(this.map(posix.join(parent, posix.basename(normal)))), { encoding: 'buffer' }));
    } catch (err) {
      throw wrap(hostPath, err);
    }
  }

  async exists(hostPath: string): Promise<boolean> {
    try {
      await this.stat(hostPath);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
