import { hash, randomBytes } from 'node:crypto';

/**
 * Files whose content matched their recorded digest, remembered between passes as 8-byte
 * fingerprints of (path, device, inode, size, mtime, ctime, algorithm, recorded digest) in a
 * sorted typed array: about 8 bytes per file instead of a few hundred for a map of paths and
 * digests (97,000 deb files took 40 MB that way). The fingerprint is keyed with a random
 * per-process secret, so a file cannot be crafted to collide with a remembered one; any change
 * of stat or of the recorded digest gives another fingerprint and the file is read again.
 * Files that did not match are not remembered: they are few, and reading them again is cheap.
 */
export class VerifiedFiles {
  private readonly key = randomBytes(16).toString('hex');
  private sorted = new BigUint64Array(0);
  private next = new BigUint64Array(1024);
  private count = 0;

  fingerprint(path: string, st: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }, algorithm: string, digest: string): bigint {
    const h = hash('sha256', `${this.key}\0${path}\0${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${algorithm}\0${digest}`, 'buffer') as Buffer;
    return h.readBigUInt64LE(0);
  }

  /** Matched in the previous pass. */
  has(fp: bigint): boolean {
    const a = this.sorted;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === fp) return true;
      if (v < fp) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Remembers a match of this pass. */
  add(fp: bigint): void {
    if (this.count === this.next.length) {
      const grown = new BigUint64Array(this.next.length * 2);
      grown.set(this.next);
      this.next = grown;
    }
    this.next[this.count++] = fp;
  }

  /** Ends a pass: only files matched in it are remembered, so memory follows the packages' files. */
  endPass(): void {
    this.sorted = this.next.slice(0, this.count).sort();
    this.next = new BigUint64Array(1024);
    this.count = 0;
  }

  /** Abandons what this pass gathered (an aborted pass keeps the previous one's matches). */
  abandonPass(): void {
    this.next = new BigUint64Array(1024);
    this.count = 0;
  }

  get size(): number {
    return this.sorted.length;
  }
}
