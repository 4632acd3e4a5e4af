import { createHash } from 'node:crypto';
import type { HostFs } from '../../host/hostfs.js';

/**
 * sha256 of executables, streamed (binaries can be large) and cached by
 * (device, inode, size, mtime): an unchanged binary is hashed once per exporter
 * lifetime, however many processes run it and however many refreshes pass.
 */

export interface HashResult {
  sha256: string | null;
  /** Why there is no hash: '' when there is one. */
  reason: string;
}

interface CacheEntry {
  sha256: string;
  /** Refresh generation that last used this entry (entries unused for a refresh are dropped). */
  seen: number;
}

export class ExeHashCache {
  private readonly entries = new Map<string, CacheEntry>();
  private generation = 0;
  /** Files actually read (not answered from the cache) since creation. */
  hashed = 0;

  /** Starts a refresh; entries not used during the previous one are forgotten. */
  beginRefresh(): void {
    for (const [k, e] of this.entries) if (e.seen < this.generation) this.entries.delete(k);
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  async hash(fs: HostFs, hostPath: string, maxBytes: number, signal?: AbortSignal): Promise<HashResult> {
    const st = await fs.stat(hostPath);
    if (!st.isFile()) return { sha256: null, reason: 'not a regular file' };
    if (st.size > maxBytes) return { sha256: null, reason: `larger than ${maxBytes} bytes` };
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    const hit = this.entries.get(key);
    if (hit) {
      hit.seen = this.generation;
      return { sha256: hit.sha256, reason: '' };
    }
    const sha256 = await streamSha256(fs, hostPath, maxBytes, signal);
    this.hashed++;
    this.entries.set(key, { sha256, seen: this.generation });
    return { sha256, reason: '' };
  }
}

/** One read buffer for all executables: binaries are hashed one after another, and a
 * fresh buffer per chunk (a read stream's way) left ~40 MB of garbage per first refresh. */
const chunk = Buffer.allocUnsafe(256 * 1024);
let chunkBusy = false;

/** Streams a host file through sha256 (HostFs.open: no last-moment link, no FIFO). */
async function streamSha256(fs: HostFs, hostPath: string, maxBytes: number, signal?: AbortSignal): Promise<string> {
  const { handle: fh } = await fs.open(hostPath);
  // Concurrent hashes (rare) get a buffer of their own.
  const own = chunkBusy;
  const buf = own ? Buffer.allocUnsafe(chunk.length) : chunk;
  chunkBusy = true;
  try {
    const h = createHash('sha256');
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new Error(`${hostPath}: grew beyond ${maxBytes} bytes while hashed`);
      h.update(buf.subarray(0, bytesRead));
    }
    return h.digest('hex');
  } finally {
    if (!own) chunkBusy = false;
    await fh.close().catch(() => {});
  }
}

/** The cache of one collector, kept in its ctx.memo between refreshes. */
export function exeHashCache(memo: Map<string, unknown>): ExeHashCache {
  let c = memo.get('exe_hashes') as ExeHashCache | undefined;
  if (!c) memo.set('exe_hashes', (c = new ExeHashCache()));
  return c;
}
