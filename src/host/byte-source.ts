/**
 * Positional reads of a file's bytes, so a parser takes only the parts it needs instead of the
 * whole file. The collectors back it with the open file handle used for hashing
 * (`fileHandleSource` in hash-file.ts); tests use `bufferSource`.
 */
export interface ByteSource {
  /** Size of the file in bytes. */
  readonly size: number;
  /**
   * `length` bytes from `offset`, at most `MAX_READ` per call. The answer is shorter only when the
   * file ended early (it shrank after it was opened).
   */
  read(offset: number, length: number): Promise<Buffer>;
}

/** Largest single read a source serves: what a parser holds at once from one file. */
export const MAX_READ = 1024 * 1024;

export function checkReadRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`read of ${length} bytes at offset ${offset} is outside the ${size}-byte file`);
  }
  if (length > MAX_READ) throw new RangeError(`read of ${length} bytes is more than ${MAX_READ} at once`);
}

/** A source over bytes already in memory (tests, small files). */
export function bufferSource(buf: Uint8Array): ByteSource {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    size: bytes.length,
    async read(offset, length) {
      checkReadRange(bytes.length, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}
