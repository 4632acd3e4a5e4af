import { closeSync, constants as C, fstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { HostFsError, type HostFs, type HostFsErrorCode } from '../hostfs.js';
import { escapeName, fsPath } from '../names.js';

/**
 * Reads of /proc/<pid>/… files, relative to the host's procfs ("123/stat").
 *
 * The processes and listening-ports collectors read some 20 small files per
 * process; through HostFs each costs a realpath and four thread-pool round trips,
 * which makes 2,000 processes take seconds. This source resolves the host's
 * /proc once through HostFs (so --path.procfs and the host root apply) and then
 * reads pid files with direct system calls: they are kernel-generated, tiny and
 * never block. Nothing here follows a link: files are opened with O_NOFOLLOW and
 * links (exe, fd/*, ns/*) are only read with readlink. Errors are HostFsErrors
 * with the host path, exactly as HostFs reports them.
 */
export interface ProcSource {
  readText(rel: string, maxBytes?: number): string;
  readBytes(rel: string, maxBytes?: number): Buffer;
  /** A link's target, escaped like every host name (src/host/names.ts). */
  readlink(rel: string): string;
  /** Entry names, unsorted, escaped. */
  readdir(rel: string): string[];
}

const DEFAULT_CAP = 16 * 1024 * 1024;
const CODES: Record<string, HostFsErrorCode> = {
  ENOENT: 'ENOENT',
  ESRCH: 'ENOENT', // a process that exited between the listing and the read
  ENOTDIR: 'ENOTDIR',
  EACCES: 'EACCES',
  EPERM: 'EACCES',
  ELOOP: 'ELOOP', // O_NOFOLLOW on a link
  EISDIR: 'ENOTREG',
};

function wrap(rel: string, err: unknown): HostFsError {
  if (err instanceof HostFsError) return err;
  const code = CODES[(err as NodeJS.ErrnoException).code ?? ''] ?? 'EIO';
  // Without a stack: a missing file of an exited process is an outcome, not a bug, and
  // capturing stacks was the largest cost of reading 10,000 processes.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new HostFsError(`/proc/${rel}`, code, code === 'EIO' ? (err as Error).message : undefined);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Reusable read buffer: /proc files are read in one or two system calls. */
let scratch = Buffer.allocUnsafe(64 * 1024);

export class DirectProcSource implements ProcSource {
  /** Where the host's /proc is on this machine, in the form node:fs takes. */
  private readonly root: string | Buffer;

  private constructor(root: string) {
    this.root = fsPath(root);
  }

  /** The path on this machine of a file below /proc ("123/stat"). */
  private local(rel: string): string | Buffer {
    return typeof this.root === 'string' ? `${this.root}/${rel}` : Buffer.concat([this.root, Buffer.from(`/${rel}`)]);
  }

  /** The procfs of a host, or null when the host has none. */
  static async open(fs: HostFs): Promise<DirectProcSource | null> {
    const st = await fs.statIfExists('/proc');
    if (!st?.isDirectory()) return null;
    return new DirectProcSource(await fs.realPath('/proc'));
  }

  /** Reads a /proc file into the shared scratch buffer and returns its length. */
  private readIntoScratch(rel: string, maxBytes: number): number {
    let fd: number;
    try {
      fd = openSync(this.local(rel), C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
    } catch (err) {
      throw wrap(rel, err);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new HostFsError(`/proc/${rel}`, 'ENOTREG');
      let total = 0;
      for (;;) {
        if (total === scratch.length) {
          if (total > maxBytes) throw new HostFsError(`/proc/${rel}`, 'ETOOBIG', `more than ${maxBytes} bytes`);
          const bigger = Buffer.allocUnsafe(scratch.length * 2);
          scratch.copy(bigger, 0, 0, total);
          scratch = bigger;
        }
        const n = readSync(fd, scratch, total, scratch.length - total, null);
        if (n === 0) break;
        total += n;
      }
      if (total > maxBytes) throw new HostFsError(`/proc/${rel}`, 'ETOOBIG', `more than ${maxBytes} bytes`);
      return total;
    } catch (err) {
      throw wrap(rel, err);
    } finally {
      closeSync(fd);
    }
  }

  readBytes(rel: string, maxBytes = DEFAULT_CAP): Buffer {
    return Buffer.from(scratch.subarray(0, this.readIntoScratch(rel, maxBytes)));
  }

  /** Decoded straight from the scratch buffer: no Buffer per file (2,000 processes × 8 files). */
  readText(rel: string, maxBytes = DEFAULT_CAP): string {
    return scratch.toString('utf8', 0, this.readIntoScratch(rel, maxBytes));
  }

  readlink(rel: string): string {
    try {
      return escapeName(readlinkSync(this.local(rel), { encoding: 'buffer' }));
    } catch (err) {
      throw wrap(rel, err);
    }
  }

  readdir(rel: string): string[] {
    try {
      return readdirSync(this.local(rel), { encoding: 'buffer' }).map(escapeName);
    } catch (err) {
      throw wrap(rel, err);
    }
  }
}
