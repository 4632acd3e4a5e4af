import { createHash, type Hash } from 'node:crypto';
import { constants as C, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/*
 * Streaming reads of host files. HostFs reads whole files into memory (capped), which is
 * right for configuration files but not for hashing binaries of hundreds of MiB, so this
 * module opens the path HostFs resolved (`ctx.fs.realPath`) itself, with the same guards:
 * O_NOFOLLOW, O_NONBLOCK (a FIFO never blocks), and an fstat check that the opened file is
 * still the regular file the walk saw (same device and inode).
 */

export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

const CHUNK = 1024 * 1024;
/** Bytes of the file start kept for magic-byte detection. */
export const HEAD_BYTES = 64;

export interface HashedFile {
  kind: 'hashed';
  hashes: Partial<Record<HashAlgorithm, string>>;
  head: Buffer;
  bytes: number;
  /** The whole content, when asked for (`keepIf`) and small enough: used to parse ELF files. */
  content: Buffer | null;
}

export interface SkippedFile {
  kind: 'skipped';
  reason: string;
}

export interface HashOptions {
  algorithms: readonly HashAlgorithm[];
  /** Keep the content of files whose head matches and whose size is at most `keepMax`. */
  keepIf?: (head: Buffer) => boolean;
  keepMax?: number;
  signal?: AbortSignal;
}

/** Hashes one regular file, streaming; `expected` is the lstat the walk saw. */
export async function hashFile(realPath: string, expected: Stats, opts: HashOptions): Promise<HashedFile | SkippedFile> {
  let fh;
  try {
    fh = await open(realPath, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'skipped', reason: 'vanished' };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'skipped', reason: 'permission denied' };
    if (code === 'ELOOP') return { kind: 'skipped', reason: 'changed while reading' }; // replaced by a link
    return { kind: 'skipped', reason: 'unreadable' };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'skipped', reason: 'not a regular file' };
    if (st.dev !== expected.dev || st.ino !== expected.ino) return { kind: 'skipped', reason: 'changed while reading' };
    const hashers: [HashAlgorithm, Hash][] = opts.algorithms.map((a) => [a, createHash(a)]);
    const size = st.size;
    let content: Buffer | null = null;
    let buf = Buffer.allocUnsafe(Math.max(HEAD_BYTES, Math.min(CHUNK, size || HEAD_BYTES)));
    let total = 0;
    let head = Buffer.alloc(0);
    for (;;) {
      if (opts.signal?.aborted) return { kind: 'skipped', reason: 'timed out' };
      // Once the head says "keep", read straight into the content buffer (no second copy).
      const target = content ?? buf;
      const offset = content ? total : 0;
      const length = content ? Math.min(CHUNK, content.length - total) : buf.length;
      if (length === 0) break;
      const { bytesRead } = await fh.read(target, offset, length, total);
      if (bytesRead === 0) break;
      const chunk = target.subarray(offset, offset + bytesRead);
      if (total === 0) {
        head = Buffer.from(chunk.subarray(0, HEAD_BYTES));
        if (opts.keepIf?.(head) && size <= (opts.keepMax ?? 0)) {
          content = Buffer.allocUnsafe(size);
          chunk.copy(content, 0);
          buf = Buffer.alloc(0);
        }
      }
      for (const [, h] of hashers) h.update(chunk);
      total += bytesRead;
      if (total > size) break; // growing while we read (a log): not worth finishing
    }
    // A file that grew or shrank while it was read has no meaningful hash.
    if (total !== size) return { kind: 'skipped', reason: 'changed while reading' };
    return {
      kind: 'hashed',
      hashes: Object.fromEntries(hashers.map(([a, h]) => [a, h.digest('hex')])),
      head,
      bytes: total,
      content,
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'skipped', reason: code === 'EIO' ? 'I/O error' : 'unreadable' };
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
