import { promisify } from 'node:util';
import { constants, crc32, deflateRaw as deflateRawCb, deflateRawSync } from 'node:zlib';

const deflateRaw = promisify(deflateRawCb);

/**
 * A piece of the exposition, compressed on its own as raw DEFLATE blocks that end in a
 * sync flush (no final block), so pieces can be joined into one gzip stream in any
 * selection without compressing again. Each keeps its CRC-32 and length for the trailer.
 */
export interface Segment {
  text: string;
  deflated: Buffer;
  crc: number;
  bytes: number;
}

const OPTIONS = { level: 6, finishFlush: constants.Z_SYNC_FLUSH };

function segmentOf(text: string, deflated: Buffer): Segment {
  const bytes = Buffer.byteLength(text);
  return { text, deflated, crc: bytes ? crc32(text) : 0, bytes };
}

export async function deflateSegment(text: string): Promise<Segment> {
  return segmentOf(text, text ? await deflateRaw(text, OPTIONS) : Buffer.alloc(0));
}

/** For the small parts rendered per scrape. */
export function deflateSegmentSync(text: string, level = 1): Segment {
  return segmentOf(text, text ? deflateRawSync(text, { level, finishFlush: constants.Z_SYNC_FLUSH }) : Buffer.alloc(0));
}

// CRC-32 combination (zlib's crc32_combine): the CRC of A+B from crc(A), crc(B) and len(B).
const POLY = 0xedb88320;
function multModP(a: number, b: number): number {
  let m = 1 << 31;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}
const X2N = new Uint32Array(32);
X2N[0] = 1 << 30;
for (let k = 1; k < 32; k++) X2N[k] = multModP(X2N[k - 1]!, X2N[k - 1]!);
function x2nModP(n: number, k: number): number {
  let p = 1 << 31;
  while (n) {
    if (n % 2) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}
export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  return (multModP(x2nModP(len2, 3), crc1) ^ crc2) >>> 0;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);
/** An empty final stored block: ends the DEFLATE stream after the sync-flushed pieces. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

export type Deflated = Pick<Segment, 'deflated' | 'crc' | 'bytes'>;

/** Several segments as one, still open for more. */
export function joinDeflated(segments: Deflated[]): Deflated {
  let crc = 0;
  let bytes = 0;
  for (const s of segments) {
    if (s.bytes === 0) continue;
    crc = crc32Combine(crc, s.crc, s.bytes);
    bytes += s.bytes;
  }
  return { deflated: Buffer.concat(segments.filter((s) => s.bytes > 0).map((s) => s.deflated)), crc, bytes };
}

/** One gzip member (what every client reads, curl included) holding the segments in order. */
export function gzipJoin(segments: Deflated[]): Buffer {
  const all = joinDeflated(segments);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(all.crc, 0);
  trailer.writeUInt32LE(all.bytes % 2 ** 32, 4);
  return Buffer.concat([GZIP_HEADER, all.deflated, FINAL_BLOCK, trailer]);
}
