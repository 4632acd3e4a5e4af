import { createHash, type Hash } from 'node:crypto';
import { constants as C, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { checkReadRange, type ByteSource } from './byte-source.js';
import { fsPath } from './names.js';

/*
 * Streaming reads of host files. HostFs reads whole files into memory (capped), which is
 * right for configuration files but not for hashing binaries of hundreds of MiB, so this
 * module opens the path HostFs resolved (`ctx.fs.realPath`) itself, with the same guards:
 * O_NOFOLLOW, O_NONBLOCK (a FIFO never blocks), and an fstat check that the opened file is
 * still the regular file the walk saw (same device and inode). Parsers that need more than the
 * head (ELF) get positional reads on that same handle once the file is hashed (`inspect`).
 */

export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Bytes read per call while hashing: the one buffer a file in flight holds. */
export const CHUNK = 1024 * 1024;
/** Bytes of the file start kept for magic-byte detection. */
export const HEAD_BYTES = 64;

export interface HashedFile<T = undefined> {
  kind: 'hashed';
  hashes: Partial<Record<HashAlgorithm, string>>;
  head: Buffer;
  bytes: number;
  /** What `inspect` returned (undefined without `inspect`). */
  inspected: T | undefined;
}

export interface SkippedFile {
  kind: 'skipped';
  reason: string;
}

export interface HashOptions<T = undefined> {
  algorithms: readonly HashAlgorithm[];
  /**
   * Called once the whole file is hashed, with positional reads on the same open (and checked)
   * handle: parsers take the structures they need without a second open or a copy of the file.
   */
  inspect?: (head: Buffer, source: ByteSource) => Promise<T>;
  /** Read buffers shared by the files of one run; without it each file allocates its own. */
  buffers?: BufferPool;
  signal?: AbortSignal;
}

/**
 * `CHUNK`-byte read buffers reused from one file to the next, so hashing holds one buffer per
 * file in flight instead of leaving a fresh MiB per file for the garbage collector.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  }
  give(buf: Buffer): void {
    this.free.push(buf);
  }
}

/** Positional reads of an open file, each at most `MAX_READ` bytes. */
export function fileHandleSource(fh: FileHandle, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      checkReadRange(size, offset, length);
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break; // shrank since it was opened
        got += bytesRead;
      }
      return buf.subarray(0, got);
    },
  };
}

/** Hashes one regular file, streaming; `expected` is the lstat the walk saw. */
export async function hashFile<T = undefined>(realPath: string, expected: Stats, opts: HashOptions<T>): Promise<HashedFile<T> | SkippedFile> {
  let fh: FileHandle;
  try {
    fh = await open(fsPath(realPath), C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'skipped', reason: 'vanished' };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'skipped', reason: 'permission denied' };
    if (code === 'ELOOP') return { kind: 'skipped', reason: 'changed while reading' }; // replaced by a link
    return { kind: 'skipped', reason: 'unreadable' };
  }
  let pooled: Buffer | null = null;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'skipped', reason: 'not a regular file' };
    if (st.dev !== expected.dev || st.ino !== expected.ino) return { kind: 'skipped', reason: 'changed while reading' };
    const hashers: [HashAlgorithm, Hash][] = opts.algorithms.map((a) => [a, createHash(a)]);
    const size = st.size;
    pooled = opts.buffers?.take() ?? null;
    const buf = pooled ?? Buffer.allocUnsafe(Math.max(HEAD_BYTES, Math.min(CHUNK, size || HEAD_BYTES)));
    let total = 0;
    let head = Buffer.alloc(0);
    for (;;) {
      if (opts.signal?.aborted) return { kind: 'skipped', reason: 'timed out' };
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      if (total === 0) head = Buffer.from(chunk.subarray(0, HEAD_BYTES));
      for (const [, h] of hashers) h.update(chunk);
      total += bytesRead;
      if (total > size) break; // growing while we read (a log): not worth finishing
    }
    // A file that grew or shrank while it was read has no meaningful hash.
    if (total !== size) return { kind: 'skipped', reason: 'changed while reading' };
    const inspected = opts.inspect ? await opts.inspect(head, fileHandleSource(fh, size)) : undefined;
    return {
      kind: 'hashed',
      hashes: Object.fromEntries(hashers.map(([a, h]) => [a, h.digest('hex')])),
      head,
      bytes: total,
      inspected,
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'skipped', reason: code === 'EIO' ? 'I/O error' : 'unreadable' };
  } finally {
    if (pooled) opts.buffers!.give(pooled);
    await fh.close().catch(() => {});
  }
}

