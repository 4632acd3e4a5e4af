import { RpmDbError, WindowReader, type BlobSink, type PositionalFile, type RpmDbReadOptions } from './rpm-file.js';

/**
 * rpm's Berkeley DB `Packages` file (rpm up to 4.15: RHEL/CentOS 5–8, Amazon Linux 2,
 * SLES 12): a Berkeley DB hash database whose keys are 4-byte header numbers and whose
 * values are header blobs. Layout (Berkeley DB's dbinc/db_page.h):
 *
 * - page 0 is the hash metadata page: magic 0x061561 at byte 12 (its byte order is the
 *   database's), page size at 20, last page number at 32;
 * - every page starts with a 26-byte header: page number at 8, next page at 16, item
 *   count at 20, free-area offset (on overflow pages: bytes used) at 22, type at 25;
 * - hash pages (types 2 and 13) hold key/data pairs: an array of 2-byte item offsets
 *   after the header, items laid out from the end of the page down, so an item ends
 *   where the previous one starts. An item's first byte is its type: H_KEYDATA (the
 *   bytes follow) or H_OFFPAGE (first overflow page and total length);
 * - overflow pages (type 7) chain through "next page", each holding `bytes used` bytes.
 *
 * Pages are read one by one (in windows) and never the whole file; freed pages have
 * another type and are skipped. Every number is checked against the file: a corrupt or
 * hostile file ends in RpmDbError (page loops included), never in a hang.
 */

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const META_SIZE = 512;
const PAGE_HEADER = 26;
const WINDOW_BYTES = 256 * 1024;

const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;

const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const HOFFPAGE_SIZE = 12;
/** DBMETA_CHKSUM: pages carry a checksum, which moves the item array; rpm never sets it. */
const DBMETA_CHKSUM = 0x01;

/** Far more packages than any system holds: bounds the memory of the chain list. */
const MAX_RECORDS = 1_000_000;
/** rpm's Packages record 0 holds the next header number, not a header. */
const COUNTER_KEY = 0;

export interface BdbMeta {
  littleEndian: boolean;
  pageSize: number;
  lastPage: number;
  version: number;
}

const u32 = (b: Buffer, at: number, le: boolean) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
const u16 = (b: Buffer, at: number, le: boolean) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));

/** Parses the metadata page (its first 512 bytes suffice). */
export function parseBdbHashMeta(buf: Buffer): BdbMeta {
  if (buf.length < META_SIZE) throw new RpmDbError(`${buf.length} bytes, shorter than a Berkeley DB metadata page`);
  let littleEndian: boolean;
  if (buf.readUInt32LE(12) === HASH_MAGIC) littleEndian = true;
  else if (buf.readUInt32BE(12) === HASH_MAGIC) littleEndian = false;
  else if (buf.readUInt32LE(12) === BTREE_MAGIC || buf.readUInt32BE(12) === BTREE_MAGIC) throw new RpmDbError('a Berkeley DB btree, not the hash database rpm writes');
  else throw new RpmDbError(`not a Berkeley DB hash database (magic 0x${buf.readUInt32BE(12).toString(16).padStart(8, '0')})`);
  const version = u32(buf, 16, littleEndian);
  const pageSize = u32(buf, 20, littleEndian);
  if (version < 5 || version > 10) throw new RpmDbError(`unknown Berkeley DB hash version ${version}`);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new RpmDbError(`bad page size ${pageSize}`);
  if (buf[25] !== P_HASHMETA) throw new RpmDbError(`page 0 has type ${buf[25]}, not hash metadata`);
  if (buf[24] !== 0) throw new RpmDbError('encrypted Berkeley DB databases are not readable without the key');
  if (buf[26]! & DBMETA_CHKSUM) throw new RpmDbError('checksummed Berkeley DB pages are not supported (rpm does not write them)');
  return { littleEndian, pageSize, lastPage: u32(buf, 32, littleEndian), version };
}

/** Pages by number, read through a window of consecutive pages. */
class PageReader {
  private readonly reader: WindowReader;
  constructor(
    file: PositionalFile,
    private readonly meta: BdbMeta,
  ) {
    this.reader = new WindowReader(file, Math.max(meta.pageSize, WINDOW_BYTES));
  }

  async page(no: number): Promise<Buffer> {
    const { pageSize, lastPage } = this.meta;
    if (no < 1 || no > lastPage) throw new RpmDbError(`page ${no} is outside the database (pages 1–${lastPage})`);
    return this.reader.read(no * pageSize, pageSize);
  }
}

/** Hands every header blob of a Berkeley DB `Packages` file to `sink`, keyed by header number. */
export async function readBdbPackages(file: PositionalFile, sink: BlobSink, opts: RpmDbReadOptions): Promise<void> {
  if (file.size < META_SIZE) throw new RpmDbError(`${file.size} bytes, shorter than a Berkeley DB metadata page`);
  const meta = parseBdbHashMeta(await file.read(0, META_SIZE));
  const { pageSize, lastPage, littleEndian: le } = meta;
  if ((lastPage + 1) * pageSize > file.size)
    throw new RpmDbError(`truncated: the metadata counts ${lastPage + 1} pages of ${pageSize} bytes, the file has ${file.size} bytes`);
  const scan = new PageReader(file, meta);
  // Overflow chains are read after the scan, in page order: the file is then read front to back
  // twice instead of jumping to a chain for every record.
  const chains: { key: number; page: number; length: number; from: number }[] = [];
  for (let no = 1; no <= lastPage; no++) {
    opts.checkAborted?.();
    const page = await scan.page(no);
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue; // overflow, freed or unused pages
    if (u32(page, 8, le) !== no) throw new RpmDbError(`page ${no}: header says page ${u32(page, 8, le)}`);
    for (const { key, data } of hashPairs(page, no, meta)) {
      if (key === COUNTER_KEY) continue;
      if (data.kind === 'inline') sink.blob(key, data.bytes);
      else if (chains.push({ key, page: data.page, length: data.length, from: no }) > MAX_RECORDS)
        throw new RpmDbError(`more than ${MAX_RECORDS} records, not an rpm database`);
    }
  }
  chains.sort((a, b) => a.page - b.page);
  const overflow = new PageReader(file, meta);
  for (const c of chains) {
    opts.checkAborted?.();
    sink.blob(c.key, await overflowItem(overflow, c.page, c.length, c.from, opts.maxBlob, meta));
  }
}

type Item = { kind: 'inline'; bytes: Buffer } | { kind: 'offpage'; page: number; length: number };

/** The key/data pairs of one hash page; keys are header numbers. */
export function hashPairs(page: Buffer, no: number, meta: BdbMeta): { key: number; data: Item }[] {
  const { pageSize, littleEndian: le } = meta;
  const entries = u16(page, 20, le);
  const freeStart = u16(page, 22, le);
  const where = `page ${no}`;
  if (entries % 2 !== 0) throw new RpmDbError(`${where}: odd item count ${entries} (items come in key/data pairs)`);
  if (PAGE_HEADER + 2 * entries > pageSize || freeStart < PAGE_HEADER + 2 * entries || freeStart > pageSize)
    throw new RpmDbError(`${where}: item count ${entries} and free offset ${freeStart} do not fit the page`);
  const items: Buffer[] = [];
  let end = pageSize;
  for (let i = 0; i < entries; i++) {
    const at = u16(page, PAGE_HEADER + 2 * i, le);
    // Items are laid out downwards in index order: each ends where the one before starts.
    if (at < freeStart || at >= end) throw new RpmDbError(`${where}: item ${i} at offset ${at} is outside ${freeStart}–${end}`);
    items.push(page.subarray(at, end));
    end = at;
  }
  const pairs: { key: number; data: Item }[] = [];
  for (let i = 0; i < entries; i += 2) {
    const k = items[i]!;
    if (k[0] !== H_KEYDATA || k.length !== 5) throw new RpmDbError(`${where}: key ${i / 2} is not a 4-byte header number (type ${k[0]}, ${k.length - 1} bytes)`);
    const key = u32(k, 1, le);
    const d = items[i + 1]!;
    if (d[0] === H_KEYDATA) pairs.push({ key, data: { kind: 'inline', bytes: Buffer.from(d.subarray(1)) } });
    else if (d[0] === H_OFFPAGE) {
      if (d.length < HOFFPAGE_SIZE) throw new RpmDbError(`${where}: overflow reference of header ${key} is ${d.length} bytes`);
      pairs.push({ key, data: { kind: 'offpage', page: u32(d, 4, le), length: u32(d, 8, le) } });
    } else throw new RpmDbError(`${where}: header ${key} has item type ${d[0]} (duplicates are not used by rpm)`);
  }
  return pairs;
}

/** Joins an overflow chain; its length, every page number and loops are checked. */
async function overflowItem(reader: PageReader, first: number, length: number, from: number, maxBlob: number, meta: BdbMeta): Promise<Buffer> {
  const { pageSize, littleEndian: le } = meta;
  if (length > maxBlob) throw new RpmDbError(`page ${from}: overflow item of ${length} bytes exceeds the ${maxBlob}-byte limit`);
  if (length === 0) throw new RpmDbError(`page ${from}: empty overflow item`);
  const out = Buffer.allocUnsafe(length);
  const seen = new Set<number>();
  let filled = 0;
  let no = first;
  while (filled < length) {
    if (no === 0) throw new RpmDbError(`overflow chain from page ${first} ends after ${filled} of ${length} bytes`);
    if (seen.has(no)) throw new RpmDbError(`overflow chain from page ${first} loops back to page ${no}`);
    seen.add(no);
    const page = await reader.page(no);
    if (page[25] !== P_OVERFLOW) throw new RpmDbError(`overflow chain from page ${first}: page ${no} has type ${page[25]}`);
    if (u32(page, 8, le) !== no) throw new RpmDbError(`overflow chain from page ${first}: page ${no} says it is page ${u32(page, 8, le)}`);
    const used = u16(page, 22, le);
    if (used === 0 || PAGE_HEADER + used > pageSize || filled + used > length)
      throw new RpmDbError(`overflow chain from page ${first}: page ${no} holds ${used} bytes, ${length - filled} were left`);
    page.copy(out, filled, PAGE_HEADER, PAGE_HEADER + used);
    filled += used;
    no = u32(page, 16, le);
  }
  if (no !== 0) throw new RpmDbError(`overflow chain from page ${first} goes on past its ${length} bytes`);
  return out;
}

/**
 * The input of `db_load` (Berkeley DB's loader, "bytevalue" dump format) for an rpm
 * Packages file: used by tests and the benchmark to build real databases.
 */
export function bdbLoadInput(records: { hnum: number; blob: Buffer }[], littleEndian: boolean): string {
  const key = Buffer.alloc(4);
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', 'HEADER=END'];
  for (const r of records) {
    if (littleEndian) key.writeUInt32LE(r.hnum);
    else key.writeUInt32BE(r.hnum);
    lines.push(` ${key.toString('hex')}`, ` ${r.blob.toString('hex')}`);
  }
  lines.push('DATA=END', '');
  return lines.join('\n');
}
