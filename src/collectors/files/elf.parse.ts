/**
 * A bounds-checked ELF reader (header, program headers, section headers, dynamic section) that
 * reads only those structures, through positional reads of a `ByteSource`: memory does not grow
 * with the size of the file. Every offset and count read from the file is checked against the file
 * size and against caps on counts, bytes read and string lengths: a corrupt or hostile file gives
 * an error result, never an exception, a long loop or a large allocation.
 */
import { MAX_READ, type ByteSource } from '../../host/byte-source.js';

export interface ElfSegment {
  type: string;
  flags: string;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfSection {
  name: string;
  type: number;
  offset: number;
  size: number;
}

export interface ElfInfo {
  class: 32 | 64;
  endian: 'little' | 'big';
  osabi: number;
  type: string;
  machine: string;
  entry: string;
  interpreter: string | null;
  segments: ElfSegment[];
  sections: ElfSection[];
  needed: string[];
  soname: string | null;
  rpath: string | null;
  runpath: string | null;
  /** DT_FLAGS and DT_FLAGS_1 (0 when absent). */
  flags: number;
  flags1: number;
  bindNow: boolean;
  pie: boolean;
  /** PT_GNU_RELRO present: partial; with BIND_NOW: full. */
  relro: 'none' | 'partial' | 'full';
  /** PT_GNU_STACK present without PF_X. */
  nxStack: boolean;
  hasDynamic: boolean;
}

export type ElfResult = { ok: true; elf: ElfInfo } | { ok: false; error: string };

const TYPES: Record<number, string> = { 0: 'NONE', 1: 'REL', 2: 'EXEC', 3: 'DYN', 4: 'CORE' };
const MACHINES: Record<number, string> = {
  2: 'sparc', 3: 'x86', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390', 40: 'arm', 43: 'sparcv9',
  50: 'ia64', 62: 'x86_64', 183: 'aarch64', 243: 'riscv', 247: 'bpf', 258: 'loongarch',
};
const PT: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY',
};
const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552;
const DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14, DT_RPATH = 15, DT_BIND_NOW = 24;
const DT_RUNPATH = 29, DT_FLAGS = 30, DT_FLAGS_1 = 0x6ffffffb;
const DF_BIND_NOW = 0x8, DF_1_NOW = 0x1, DF_1_PIE = 0x08000000;
const SHT_DYNAMIC = 6;
const SHN_XINDEX = 0xffff;
/** Sanity caps: no real ELF comes near these, a hostile one cannot make us loop or allocate more. */
const MAX_SEGMENTS = 65536;
const MAX_SECTIONS = 65536;
const MAX_DYNAMIC = 65536;
const MAX_STRING = 4096;
/** Bytes of ELF structures read from one file at most (all the tables above at their caps fit). */
const READ_BUDGET = 16 * 1024 * 1024;
/** Characters of names and strings kept from one file at most. */
const STRING_BUDGET = 4 * 1024 * 1024;
/** A string table up to this size is read at once; a larger one through a window of this size. */
const STRTAB_WINDOW = 64 * 1024;


class ElfError extends Error {}

/** Fields of one structure read from the file, at offsets relative to its start. */
class Fields {
  private readonly view: DataView;
  constructor(
    readonly bytes: Buffer,
    private readonly little: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(off: number): number {
    return this.view.getUint8(off);
  }
  u16(off: number): number {
    return this.view.getUint16(off, this.little);
  }
  u32(off: number): number {
    return this.view.getUint32(off, this.little);
  }
  /** A 64-bit field as a number; values beyond 2^53 are reported as unusable (no file is that large). */
  u64(off: number): number {
    const v = this.view.getBigUint64(off, this.little);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  u64hex(off: number): string {
    return '0x' + this.view.getBigUint64(off, this.little).toString(16);
  }
}

/** Bounds-checked, budgeted reads of one file. */
class Reader {
  private bytesRead = 0;
  private stringChars = 0;
  little = true;
  constructor(private readonly src: ByteSource) {}

  get size(): number {
    return this.src.size;
  }

  need(off: number, len: number, what: string): void {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.src.size) {
      throw new ElfError(`${what} at offset ${off} is past the end of the file`);
    }
  }

  async read(off: number, len: number, what: string): Promise<Fields> {
    this.need(off, len, what);
    if (len > MAX_READ) throw new ElfError(`${what}: ${len} bytes is more than one read`);
    this.bytesRead += len;
    if (this.bytesRead > READ_BUDGET) throw new ElfError(`${what}: more than ${READ_BUDGET} bytes of ELF structures`);
    let bytes: Buffer;
    try {
      bytes = await this.src.read(off, len);
    } catch (err) {
      throw new ElfError(`${what} at offset ${off}: ${(err as Error).message}`);
    }
    if (bytes.length !== len) throw new ElfError(`${what} at offset ${off}: the file ended early (changed while reading?)`);
    return new Fields(bytes, this.little);
  }

  /** Calls `each` for `count` entries of `entsize` bytes from `off`, reading a bounded chunk at a time; `false` stops. */
  async table(off: number, count: number, entsize: number, what: string, each: (f: Fields, at: number) => boolean | void): Promise<void> {
    this.need(off, count * entsize, what);
    const perRead = Math.max(1, Math.floor(MAX_READ / entsize));
    for (let i = 0; i < count; i += perRead) {
      const n = Math.min(perRead, count - i);
      const chunk = await this.read(off + i * entsize, n * entsize, what);
      for (let j = 0; j < n; j++) if (each(chunk, j * entsize) === false) return;
    }
  }

  keepString(s: string, what: string): string {
    this.stringChars += s.length;
    if (this.stringChars > STRING_BUDGET) throw new ElfError(`${what}: more than ${STRING_BUDGET} characters of names`);
    return s;
  }
}

/** NUL-terminated strings of a table at [start, end) of the file (`end` may lie past the file end). */
class StringTable {
  private window: Buffer | null = null;
  private windowStart = 0;
  constructor(
    private readonly r: Reader,
    private readonly start: number,
    private readonly end: number,
  ) {}

  async get(index: number, what: string): Promise<string> {
    const off = this.start + index;
    const end = Math.min(this.end, this.r.size, off + MAX_STRING);
    if (!Number.isSafeInteger(off) || index < 0 || off >= end) throw new ElfError(`${what} at offset ${off} is outside its table`);
    let s = this.scan(off, end);
    if (s === null) {
      const tableEnd = Math.min(this.end, this.r.size);
      // A small table is read whole once; in a large one, a window from this string on.
      const from = tableEnd - this.start <= STRTAB_WINDOW ? this.start : off;
      this.window = (await this.r.read(from, Math.min(tableEnd, from + STRTAB_WINDOW) - from, what)).bytes;
      this.windowStart = from;
      s = this.scan(off, end)!;
    }
    return this.r.keepString(s, what);
  }

  /** The string at `off` from the window, or null when the window does not hold all of it. */
  private scan(off: number, end: number): string | null {
    const w = this.window;
    if (!w || off < this.windowStart || off >= this.windowStart + w.length) return null;
    const from = off - this.windowStart;
    const stop = Math.min(end - this.windowStart, w.length);
    let i = from;
    while (i < stop && w[i] !== 0) i++;
    if (i === stop && stop < end - this.windowStart) return null; // runs past the window
    return w.toString('latin1', from, i);
  }
}

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Parses an ELF file through positional reads; never throws for anything the file contains. */
export async function parseElf(src: ByteSource): Promise<ElfResult> {
  try {
    return { ok: true, elf: await parse(new Reader(src)) };
  } catch (err) {
    if (err instanceof ElfError || err instanceof RangeError) return { ok: false, error: err.message };
    throw err;
  }
}

async function parse(r: Reader): Promise<ElfInfo> {
  const ident = (await r.read(0, Math.min(r.size, 64), 'ELF header')).bytes;
  if (!isElf(ident)) throw new ElfError('not an ELF file (bad magic)');
  if (ident.length < 16) throw new ElfError('truncated identification');
  const cls = ident[4];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad class ${cls}`);
  const data = ident[5];
  if (data !== 1 && data !== 2) throw new ElfError(`bad data encoding ${data}`);
  const is64 = cls === 2;
  r.little = data === 1;
  const ehsize = is64 ? 64 : 52;
  r.need(0, ehsize, 'ELF header');
  const h = await r.read(0, ehsize, 'ELF header');
  const word = (f: Fields, off: number) => (is64 ? f.u64(off) : f.u32(off));

  const etype = h.u16(16);
  const machine = h.u16(18);
  const entry = is64 ? h.u64hex(24) : '0x' + h.u32(24).toString(16);
  const phoff = word(h, is64 ? 32 : 28);
  const shoff = word(h, is64 ? 40 : 32);
  const phentsize = h.u16(is64 ? 54 : 42);
  let phnum = h.u16(is64 ? 56 : 44);
  const shentsize = h.u16(is64 ? 58 : 46);
  let shnum = h.u16(is64 ? 60 : 48);
  let shstrndx = h.u16(is64 ? 62 : 50);

  // Section 0 carries the real counts when they overflow the header fields (extended numbering).
  const shMin = is64 ? 64 : 40;
  if (shoff !== 0) {
    if (shentsize < shMin) throw new ElfError(`e_shentsize ${shentsize} is too small`);
    if (shnum === 0 || shstrndx === SHN_XINDEX || phnum === 0xffff) {
      const s0 = await r.read(shoff, shMin, 'section 0');
      if (shnum === 0) shnum = word(s0, is64 ? 32 : 20);
      if (shstrndx === SHN_XINDEX) shstrndx = s0.u32(is64 ? 40 : 24);
      if (phnum === 0xffff) phnum = s0.u32(is64 ? 44 : 28);
    }
  } else shnum = 0;
  if (shnum > MAX_SECTIONS) throw new ElfError(`${shnum} sections is more than ${MAX_SECTIONS}`);
  if (phnum > MAX_SEGMENTS) throw new ElfError(`${phnum} program headers is more than ${MAX_SEGMENTS}`);

  const segments: ElfSegment[] = [];
  const loads: ElfSegment[] = [];
  let interp: ElfSegment | null = null;
  let dynamic: { offset: number; size: number } | null = null;
  let gnuStack: number | null = null;
  let relroSeg = false;
  if (phnum > 0) {
    const phMin = is64 ? 56 : 32;
    if (phentsize < phMin) throw new ElfError(`e_phentsize ${phentsize} is too small`);
    await r.table(phoff, phnum, phentsize, 'program header table', (f, p) => {
      const type = f.u32(p);
      const flags = is64 ? f.u32(p + 4) : f.u32(p + 24);
      const seg: ElfSegment = {
        type: PT[type] ?? `0x${type.toString(16)}`,
        flags: (flags & 4 ? 'R' : '') + (flags & 2 ? 'W' : '') + (flags & 1 ? 'E' : ''),
        offset: word(f, p + (is64 ? 8 : 4)),
        vaddr: word(f, p + (is64 ? 16 : 8)),
        filesz: word(f, p + (is64 ? 32 : 16)),
        memsz: word(f, p + (is64 ? 40 : 20)),
      };
      segments.push(seg);
      if (type === PT_LOAD) loads.push(seg);
      else if (type === PT_INTERP) interp = seg;
      else if (type === PT_DYNAMIC) dynamic = { offset: seg.offset, size: seg.filesz };
      else if (type === PT_GNU_STACK) gnuStack = flags;
      else if (type === PT_GNU_RELRO) relroSeg = true;
    });
  }
  let interpreter: string | null = null;
  if (interp) {
    const { offset, filesz } = interp as ElfSegment;
    r.need(offset, filesz, 'PT_INTERP');
    interpreter = await new StringTable(r, offset, offset + filesz).get(0, 'PT_INTERP');
  }

  const sections: ElfSection[] = [];
  if (shnum > 0) {
    const raw: { nameOff: number; type: number; offset: number; size: number }[] = [];
    await r.table(shoff, shnum, shentsize, 'section header table', (f, s) => {
      raw.push({ nameOff: f.u32(s), type: f.u32(s + 4), offset: word(f, s + (is64 ? 24 : 16)), size: word(f, s + (is64 ? 32 : 20)) });
    });
    const strtab = shstrndx < raw.length && shstrndx !== 0 ? raw[shstrndx]! : null;
    if (strtab) r.need(strtab.offset, strtab.size, 'section name table');
    const names = strtab ? new StringTable(r, strtab.offset, strtab.offset + strtab.size) : null;
    for (const s of raw) {
      const name = names && s.nameOff < strtab!.size ? await names.get(s.nameOff, 'section name') : '';
      sections.push({ name, type: s.type, offset: s.offset, size: s.size });
    }
    // Objects without program headers (relocatable files) still have a .dynamic section.
    if (!dynamic) {
      const d = sections.find((s) => s.type === SHT_DYNAMIC);
      if (d) dynamic = { offset: d.offset, size: d.size };
    }
  }

  const needed: string[] = [];
  let soname: string | null = null;
  let rpath: string | null = null;
  let runpath: string | null = null;
  let flags = 0;
  let flags1 = 0;
  let bindNowTag = false;
  if (dynamic) {
    const dyn = dynamic as { offset: number; size: number };
    r.need(dyn.offset, dyn.size, 'dynamic section');
    const entSize = is64 ? 16 : 8;
    const count = Math.min(Math.floor(dyn.size / entSize), MAX_DYNAMIC);
    const entries: [number, number][] = [];
    await r.table(dyn.offset, count, entSize, 'dynamic section', (f, e) => {
      const tag = is64 ? f.u64(e) : f.u32(e);
      if (tag === DT_NULL) return false;
      entries.push([tag, word(f, e + (is64 ? 8 : 4))]);
    });
    const strVaddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
    const strSize = entries.find(([t]) => t === DT_STRSZ)?.[1] ?? 0;
    let dynstr: StringTable | null = null;
    if (strVaddr !== undefined) {
      // DT_STRTAB is an address: find the loaded segment that maps it to a file offset.
      const seg = loads.find((l) => strVaddr >= l.vaddr && strVaddr < l.vaddr + l.filesz);
      const strOff = seg ? seg.offset + (strVaddr - seg.vaddr) : loads.length === 0 ? strVaddr : null;
      if (strOff === null) throw new ElfError(`DT_STRTAB 0x${strVaddr.toString(16)} is not in a loaded segment`);
      dynstr = new StringTable(r, strOff, strSize ? strOff + strSize : r.size);
    }
    const str = (v: number, what: string) => {
      if (dynstr === null) throw new ElfError(`${what} without DT_STRTAB`);
      if (strSize && v >= strSize) throw new ElfError(`${what} offset ${v} is past DT_STRSZ ${strSize}`);
      return dynstr.get(v, what);
    };
    for (const [tag, val] of entries) {
      if (tag === DT_NEEDED) needed.push(await str(val, 'DT_NEEDED'));
      else if (tag === DT_SONAME) soname = await str(val, 'DT_SONAME');
      else if (tag === DT_RPATH) rpath = await str(val, 'DT_RPATH');
      else if (tag === DT_RUNPATH) runpath = await str(val, 'DT_RUNPATH');
      else if (tag === DT_FLAGS) flags = val;
      else if (tag === DT_FLAGS_1) flags1 = val;
      else if (tag === DT_BIND_NOW) bindNowTag = true;
    }
  }

  const type = TYPES[etype] ?? `0x${etype.toString(16)}`;
  const bindNow = bindNowTag || (flags & DF_BIND_NOW) !== 0 || (flags1 & DF_1_NOW) !== 0;
  const stack = gnuStack as number | null;
  return {
    class: is64 ? 64 : 32,
    endian: data === 1 ? 'little' : 'big',
    osabi: ident[7]!,
    type,
    machine: MACHINES[machine] ?? `0x${machine.toString(16)}`,
    entry,
    interpreter,
    segments,
    sections,
    needed,
    soname,
    rpath,
    runpath,
    flags,
    flags1,
    bindNow,
    // DF_1_PIE is what readelf goes by; older linkers did not set it, so an interpreter without a
    // SONAME counts too (libc.so.6 has an interpreter, being runnable, and a SONAME: a library).
    pie: type === 'DYN' && ((flags1 & DF_1_PIE) !== 0 || (interpreter !== null && soname === null)),
    relro: relroSeg ? (bindNow ? 'full' : 'partial') : 'none',
    nxStack: stack !== null && (stack & 1) === 0,
    hasDynamic: dynamic !== null,
  };
}
