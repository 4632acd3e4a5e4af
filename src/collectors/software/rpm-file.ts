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

export interface RpmDbReadOptions {
  /** Largest header blob accepted (memory stays bounded). */
  maxBlob: number;
  /** Called between pages and records: throws to stop (collector timeout). */
  checkAborted?: () => void;
}

/** What a database reader hands on: a header blob, or why one record could not be read (the others still are). */
export interface BlobSink {
  blob(id: number, blob: Buffer): void;
  bad(id: number, reason: string): void;
}

/**
 * Serves reads from one window of the file, read at once: sequential readers (pages of a
 * hash database, blobs in file order) make one system call per window instead of one per
 * record. Returned buffers are views: copy what is kept.
 */
export class WindowReader {
  private start = 0;
  private window: Buffer = Buffer.alloc(0);
  constructor(
    private readonly file: PositionalFile,
    private readonly windowBytes: number,
  ) {}

  /** `length` bytes at `position`; a new window starts there and spans at least `windowBytes` (within the file). */
  async read(position: number, length: number): Promise<Buffer> {
    if (position < this.start || position + length > this.start + this.window.length) {
      this.window = await this.file.read(position, Math.max(length, Math.min(this.windowBytes, this.file.size - position)));
      this.start = position;
    }
    return this.window.subarray(position - this.start, position - this.start + length);
  }
}
