import { RpmDbError, WindowReader, type BlobSink, type PositionalFile, type RpmDbReadOptions } from './rpm-file.js';

/**
 * rpm's own "ndb" backend, `Packages.db` (SUSE since SLE 15, openSUSE). Layout, from
 * rpm's lib/backend/ndb/rpmpkg.c, all numbers little-endian 32-bit:
 *
 * - a 32-byte header: magic "RpmP", version 0, generation, number of slot pages, next
 *   package index;
 * - slot pages of 4096 bytes right after it (the header takes the first two slots):
 *   16-byte slots of magic "Slot", package index, block offset and block count, in
 *   16-byte blocks; a slot with offset 0 is free;
 * - at each used slot's offset a blob: a 16-byte head (magic "BlbS", package index,
 *   timestamp, blob length), the header blob, zero padding to the block count, and a
 *   12-byte tail (Adler-32 of head, blob and padding; blob length; magic "BlbE").
 *
 * Slots are checked as rpm checks them (a slot past the end of the file is a truncated
 * database); a blob whose head, length or checksum is wrong is reported for that package.
 */

const le4 = (s: string) => Buffer.from(s, 'latin1').readUInt32LE(0);
const HEADER_MAGIC = le4('RpmP');
const SLOT_MAGIC = le4('Slot');
const BLOBHEAD_MAGIC = le4('BlbS');
const BLOBTAIL_MAGIC = le4('BlbE');

const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOBHEAD_SIZE = 16;
const BLOBTAIL_SIZE = 12;
/** About a million slots; rpm databases hold thousands of packages. */
const MAX_SLOT_PAGES = 4096;

interface Slot {
  pkgidx: number;
  blkoff: number;
  blkcnt: number;
}

/** Hands every header blob of an ndb `Packages.db` to `sink`, keyed by package index, in file order. */
export async function readNdbPackages(file: PositionalFile, sink: BlobSink, opts: RpmDbReadOptions): Promise<void> {
  if (file.size < HEADER_SIZE) throw new RpmDbError(`${file.size} bytes, shorter than an ndb header`);
  const header = await file.read(0, HEADER_SIZE);
  if (header.readUInt32LE(0) !== HEADER_MAGIC) throw new RpmDbError('not an ndb database (no RpmP magic)');
  const version = header.readUInt32LE(4);
  if (version !== 0) throw new RpmDbError(`unknown ndb version ${version}`);
  const slotPages = header.readUInt32LE(12);
  if (slotPages === 0 || slotPages > MAX_SLOT_PAGES) throw new RpmDbError(`bad slot page count ${slotPages}`);
  if (file.size % BLK_SIZE !== 0) throw new RpmDbError(`truncated: ${file.size} bytes is not a whole number of ${BLK_SIZE}-byte blocks`);
  if (slotPages * PAGE_SIZE > file.size) throw new RpmDbError(`truncated: ${slotPages} slot pages do not fit in ${file.size} bytes`);

  const fileBlocks = file.size / BLK_SIZE;
  const firstBlock = (slotPages * PAGE_SIZE) / BLK_SIZE;
  const slots: Slot[] = [];
  for (let p = 0; p < slotPages; p++) {
    opts.checkAborted?.();
    const page = await file.read(p * PAGE_SIZE, PAGE_SIZE);
    for (let o = p === 0 ? HEADER_SIZE : 0; o < PAGE_SIZE; o += SLOT_SIZE) {
      const slotNo = (p * PAGE_SIZE + o) / SLOT_SIZE;
      if (page.readUInt32LE(o) !== SLOT_MAGIC) throw new RpmDbError(`slot ${slotNo}: bad magic`);
      const blkoff = page.readUInt32LE(o + 8);
      if (blkoff === 0) continue; // free slot
      const slot = { pkgidx: page.readUInt32LE(o + 4), blkoff, blkcnt: page.readUInt32LE(o + 12) };
      if (slot.blkoff + slot.blkcnt > fileBlocks)
        throw new RpmDbError(`truncated: slot ${slotNo} (package ${slot.pkgidx}) ends at byte ${(slot.blkoff + slot.blkcnt) * BLK_SIZE}, the file has ${file.size}`);
      if (slot.pkgidx === 0 || slot.blkcnt === 0 || slot.blkoff < firstBlock) throw new RpmDbError(`slot ${slotNo}: bad entry (package ${slot.pkgidx}, block ${slot.blkoff}, ${slot.blkcnt} blocks)`);
      slots.push(slot);
    }
  }
  slots.sort((a, b) => a.blkoff - b.blkoff);
  const blobs = new WindowReader(file, 1024 * 1024); // blobs in file order: one read per MiB
  for (const slot of slots) {
    opts.checkAborted?.();
    const bytes = slot.blkcnt * BLK_SIZE;
    if (bytes > opts.maxBlob + BLOBHEAD_SIZE + BLOBTAIL_SIZE + BLK_SIZE) {
      sink.bad(slot.pkgidx, `blob of ${bytes} bytes exceeds the ${opts.maxBlob}-byte limit`);
      continue;
    }
    const block = await blobs.read(slot.blkoff * BLK_SIZE, bytes);
    const blob = ndbBlob(block, slot.pkgidx);
    if (typeof blob === 'string') sink.bad(slot.pkgidx, `blob at byte ${slot.blkoff * BLK_SIZE}: ${blob}`);
    else sink.blob(slot.pkgidx, blob);
  }
}

/** The header blob inside one slot's blocks, or why it is not sound. */
export function ndbBlob(block: Buffer, pkgidx: number): Buffer | string {
  if (block.length < BLOBHEAD_SIZE + BLOBTAIL_SIZE) return `${block.length} bytes, too short for a blob`;
  if (block.readUInt32LE(0) !== BLOBHEAD_MAGIC) return 'bad blob magic';
  if (block.readUInt32LE(4) !== pkgidx) return `blob belongs to package ${block.readUInt32LE(4)}`;
  const length = block.readUInt32LE(12);
  if (Math.ceil((BLOBHEAD_SIZE + length + BLOBTAIL_SIZE) / BLK_SIZE) * BLK_SIZE !== block.length) return `blob length ${length} does not match its ${block.length / BLK_SIZE} blocks`;
  const tail = block.length - BLOBTAIL_SIZE;
  if (block.readUInt32LE(tail + 8) !== BLOBTAIL_MAGIC) return 'bad blob tail magic';
  if (block.readUInt32LE(tail + 4) !== length) return 'blob head and tail disagree on the length';
  if (block.readUInt32LE(tail) !== adler32(block.subarray(0, tail))) return 'Adler-32 checksum mismatch';
  return Buffer.from(block.subarray(BLOBHEAD_SIZE, BLOBHEAD_SIZE + length));
}

/** Adler-32 (RFC 1950), as rpm computes it over blob head, blob and padding. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length); // the longest run before the sums can overflow 2^32
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Writes an ndb `Packages.db` holding the given header blobs, as rpm lays it out
 * (one slot page per 254 packages, blobs after the slot pages): used by tests and the
 * benchmark, since Debian's rpm has no ndb backend.
 */
export function encodeNdb(blobs: { pkgidx: number; blob: Buffer }[], timestamp = 0): Buffer {
  const slotsPerPage = PAGE_SIZE / SLOT_SIZE;
  const slotPages = Math.max(1, Math.ceil((blobs.length + HEADER_SIZE / SLOT_SIZE) / slotsPerPage));
  const parts: Buffer[] = [];
  const slotArea = Buffer.alloc(slotPages * PAGE_SIZE);
  for (let o = HEADER_SIZE; o < slotArea.length; o += SLOT_SIZE) slotArea.writeUInt32LE(SLOT_MAGIC, o);
  slotArea.writeUInt32LE(HEADER_MAGIC, 0);
  slotArea.writeUInt32LE(0, 4);
  slotArea.writeUInt32LE(blobs.length, 8);
  slotArea.writeUInt32LE(slotPages, 12);
  slotArea.writeUInt32LE(Math.max(0, ...blobs.map((b) => b.pkgidx)) + 1, 16);
  parts.push(slotArea);
  let block = slotArea.length / BLK_SIZE;
  blobs.forEach(({ pkgidx, blob }, i) => {
    const blkcnt = Math.ceil((BLOBHEAD_SIZE + blob.length + BLOBTAIL_SIZE) / BLK_SIZE);
    const out = Buffer.alloc(blkcnt * BLK_SIZE);
    out.writeUInt32LE(BLOBHEAD_MAGIC, 0);
    out.writeUInt32LE(pkgidx, 4);
    out.writeUInt32LE(timestamp, 8);
    out.writeUInt32LE(blob.length, 12);
    blob.copy(out, BLOBHEAD_SIZE);
    const tail = out.length - BLOBTAIL_SIZE;
    out.writeUInt32LE(adler32(out.subarray(0, tail)), tail);
    out.writeUInt32LE(blob.length, tail + 4);
    out.writeUInt32LE(BLOBTAIL_MAGIC, tail + 8);
    const slot = HEADER_SIZE + i * SLOT_SIZE;
    slotArea.writeUInt32LE(pkgidx, slot + 4);
    slotArea.writeUInt32LE(block, slot + 8);
    slotArea.writeUInt32LE(blkcnt, slot + 12);
    parts.push(out);
    block += blkcnt;
  });
  return Buffer.concat(parts);
}
