import type { HostFs } from '../../host/hostfs.js';

/**
 * Positional reads of an rpm database file (Berkeley DB `Packages`, ndb `Packages.db`):
 * the readers ask for the pages and blobs they need, so a large file is never read whole.
 */
export interface PositionalFile {
  /** Size in bytes when the file was opened. */
  readonly size: number;
  /** Exactly `length` bytes from `position`, or RpmDbError when the file ends first. */
  read(position: number, length: number): Promise<Buffer>;
}

/** A structural problem of an rpm database file: the caller names the file. */
export class RpmDbError extends Error {}

/** Opens a host file through HostFs's guarded handle (inside the root, regular files only). */
export async function withHostFile<T>(fs: HostFs, hostPath: string, use: (file: PositionalFile) => Promise<T>): Promise<T> {
  const { handle, stats } = await fs.open(hostPath);
  try {
    return await use({
      size: stats.size,
      async read(position, length) {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await handle.read(buf, got, length - got, position + got);
          if (bytesRead === 0) throw new RpmDbError(`file ends at byte ${position + got}, ${length} bytes wanted from byte ${position}`);
          got += bytesRead;
        }
        return buf;
      },
    });
  } finally {
    await handle.close().catch(() => {});
  }
}

/** An in-memory file, for the pure readers' tests. */
export function bufferFile(data: Buffer): PositionalFile {
  return {
    size: data.length,
    async read(position, length) {
      if (position < 0 || position + length > data.length)
        throw new RpmDbError(`file ends at byte ${Math.min(Math.max(position, 0), data.length)}, ${length} bytes wanted from byte ${position}`);
      return Buffer.from(data.subarray(position, position + length));
    },
  };
}

/** What a database reader hands on: a header blob, or why one record could not be read (the others still are). */
export interface BlobSink {
  blob(id: number, blob: Buffer): void;
  bad(id: number, reason: string): void;
}
