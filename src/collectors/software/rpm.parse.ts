/**
 * RPM header blobs as stored in the `Packages` table of rpmdb.sqlite: an index
 * count `il` and a data size `dl` (big-endian int32), `il` index entries of 16
 * bytes (tag, type, offset, count), then `dl` bytes of data. Every offset is
 * bounds-checked: a corrupt blob throws RpmHeaderError and never reads outside it.
 */

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  INSTALLTIME: 1008,
  SIZE: 1009,
  ARCH: 1022,
  SOURCERPM: 1044,
  LONGSIZE: 5009,
} as const;

export const RPM_TYPE = { INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_INDEX = 0xffff;
const MAX_DATA = 0x0fffffff;

export class RpmHeaderError extends Error {}

export interface RpmPackage {
  name: string;
  version: string;
  release: string;
  epoch: number | null;
  /** Empty when the header has no ARCH tag (gpg-pubkey pseudo-packages). */
  arch: string;
  installTime: number | null;
  sourceRpm: string;
  size: number | null;
}

interface Entry {
  type: number;
  offset: number;
  count: number;
}

export function parseRpmHeader(blob: Uint8Array): RpmPackage {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) throw new RpmHeaderError(`blob of ${buf.length} bytes is shorter than a header preamble`);
  const il = buf.readInt32BE(0);
  const dl = buf.readInt32BE(4);
  if (il < 1 || il > MAX_INDEX) throw new RpmHeaderError(`bad index count ${il}`);
  if (dl < 0 || dl > MAX_DATA) throw new RpmHeaderError(`bad data size ${dl}`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > buf.length) throw new RpmHeaderError(`header needs ${dataStart + dl} bytes, blob has ${buf.length}`);
  const data = buf.subarray(dataStart, dataStart + dl);

  const wanted = new Set<number>(Object.values(RPMTAG));
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readInt32BE(at);
    if (!wanted.has(tag)) continue;
    const e = { type: buf.readInt32BE(at + 4), offset: buf.readInt32BE(at + 8), count: buf.readInt32BE(at + 12) };
    if (e.offset < 0 || e.offset >= dl || e.count < 1) throw new RpmHeaderError(`tag ${tag}: offset ${e.offset} or count ${e.count} out of range`);
    entries.set(tag, e);
  }

  const str = (tag: number, required: boolean): string => {
    const e = entries.get(tag);
    if (!e) {
      if (required) throw new RpmHeaderError(`tag ${tag} is missing`);
      return '';
    }
    if (e.type !== RPM_TYPE.STRING && e.type !== RPM_TYPE.I18NSTRING && e.type !== RPM_TYPE.STRING_ARRAY)
      throw new RpmHeaderError(`tag ${tag}: type ${e.type} is not a string`);
    // I18N strings and string arrays start with the first (default-locale) string.
    const end = data.indexOf(0, e.offset);
    if (end === -1) throw new RpmHeaderError(`tag ${tag}: string runs past the data store`);
    return data.toString('utf8', e.offset, end);
  };

  const int = (tag: number): number | null => {
    const e = entries.get(tag);
    if (!e) return null;
    if (e.type === RPM_TYPE.INT32) {
      if (e.offset + 4 > dl) throw new RpmHeaderError(`tag ${tag}: int32 past the data store`);
      return data.readUInt32BE(e.offset);
    }
    if (e.type === RPM_TYPE.INT64) {
      if (e.offset + 8 > dl) throw new RpmHeaderError(`tag ${tag}: int64 past the data store`);
      return Number(data.readBigUInt64BE(e.offset));
    }
    throw new RpmHeaderError(`tag ${tag}: type ${e.type} is not an integer`);
  };

  const name = str(RPMTAG.NAME, true);
  if (name === '') throw new RpmHeaderError('empty package name');
  return {
    name,
    version: str(RPMTAG.VERSION, true),
    release: str(RPMTAG.RELEASE, true),
    epoch: int(RPMTAG.EPOCH),
    arch: str(RPMTAG.ARCH, false),
    installTime: int(RPMTAG.INSTALLTIME),
    sourceRpm: str(RPMTAG.SOURCERPM, false),
    size: int(RPMTAG.LONGSIZE) ?? int(RPMTAG.SIZE),
  };
}

/** `[epoch:]version-release`, the form rpm shows with `%{EVR}` (epoch only when set). */
export function rpmEvr(p: RpmPackage): string {
  return `${p.epoch !== null ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

export type RpmTagValue = { tag: number; string: string } | { tag: number; int32: number } | { tag: number; strings: string[] };

/**
 * Builds a header blob (the rpmdb.sqlite form, without the on-disk magic) from
 * tags: used by tests and the benchmark to make databases without rpmbuild.
 */
export function encodeRpmHeader(tags: RpmTagValue[]): Buffer {
  const index = Buffer.alloc(tags.length * 16);
  const parts: Buffer[] = [];
  let size = 0;
  tags.forEach((t, i) => {
    let type: number;
    let count = 1;
    let bytes: Buffer;
    if ('int32' in t) {
      const pad = (4 - (size % 4)) % 4; // int32 data is 4-byte aligned
      if (pad) {
        parts.push(Buffer.alloc(pad));
        size += pad;
      }
      type = RPM_TYPE.INT32;
      bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(t.int32 >>> 0);
    } else if ('strings' in t) {
      type = RPM_TYPE.STRING_ARRAY;
      count = t.strings.length;
      bytes = Buffer.from(t.strings.map((s) => s + '\0').join(''), 'utf8');
    } else {
      type = RPM_TYPE.STRING;
      bytes = Buffer.from(t.string + '\0', 'utf8');
    }
    index.writeInt32BE(t.tag, i * 16);
    index.writeInt32BE(type, i * 16 + 4);
    index.writeInt32BE(size, i * 16 + 8);
    index.writeInt32BE(count, i * 16 + 12);
    parts.push(bytes);
    size += bytes.length;
  });
  const head = Buffer.alloc(8);
  head.writeInt32BE(tags.length, 0);
  head.writeInt32BE(size, 4);
  return Buffer.concat([head, index, ...parts]);
}

/** Header tags of a simple package, for encodeRpmHeader. */
export function rpmPackageTags(p: Partial<RpmPackage> & { name: string; version: string; release: string }): RpmTagValue[] {
  const tags: RpmTagValue[] = [
    { tag: RPMTAG.NAME, string: p.name },
    { tag: RPMTAG.VERSION, string: p.version },
    { tag: RPMTAG.RELEASE, string: p.release },
  ];
  if (p.epoch !== undefined && p.epoch !== null) tags.push({ tag: RPMTAG.EPOCH, int32: p.epoch });
  if (p.installTime !== undefined && p.installTime !== null) tags.push({ tag: RPMTAG.INSTALLTIME, int32: p.installTime });
  if (p.size !== undefined && p.size !== null) tags.push({ tag: RPMTAG.SIZE, int32: p.size });
  if (p.arch) tags.push({ tag: RPMTAG.ARCH, string: p.arch });
  if (p.sourceRpm) tags.push({ tag: RPMTAG.SOURCERPM, string: p.sourceRpm });
  return tags;
}
