/**
 * A bounds-checked ELF reader (header, program headers, section headers, dynamic section).
 * Every offset and count read from the file is checked against the buffer: a corrupt or hostile
 * file gives an error result, never an exception or a long loop.
 */

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
/** Sanity caps: no real ELF comes near these, a hostile one cannot make us loop longer. */
const MAX_SECTIONS = 65536;
const MAX_DYNAMIC = 65536;
const MAX_STRING = 4096;

class ElfError extends Error {}

class Reader {
  private readonly view: DataView;
  constructor(
    readonly buf: Uint8Array,
    private readonly little: boolean,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(off: number, len: number, what: string): void {
    if (!Number.isSafeInteger(off) || off < 0 || off + len > this.buf.length) throw new ElfError(`${what} at offset ${off} is past the end of the file`);
  }
  u8(off: number, what: string): number {
    this.need(off, 1, what);
    return this.view.getUint8(off);
  }
  u16(off: number, what: string): number {
    this.need(off, 2, what);
    return this.view.getUint16(off, this.little);
  }
  u32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getUint32(off, this.little);
  }
  /** A 64-bit field as a number; values beyond 2^53 are reported as unusable (no file is that large). */
  u64(off: number, what: string): number {
    this.need(off, 8, what);
    const v = this.view.getBigUint64(off, this.little);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  u64hex(off: number, what: string): string {
    this.need(off, 8, what);
    return '0x' + this.view.getBigUint64(off, this.little).toString(16);
  }
  /** A NUL-terminated string starting at `off`, not reading past `limit`. */
  cstr(off: number, limit: number, what: string): string {
    const end = Math.min(limit, this.buf.length, off + MAX_STRING);
    if (!Number.isSafeInteger(off) || off < 0 || off >= end) throw new ElfError(`${what} at offset ${off} is outside its table`);
    let i = off;
    while (i < end && this.buf[i] !== 0) i++;
    return Buffer.from(this.buf.subarray(off, i)).toString('latin1');
  }
  range(off: number, len: number, what: string): void {
    this.need(off, len, what);
  }
}

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Parses an ELF image held in memory. */
export function parseElf(buf: Uint8Array): ElfResult {
  try {
    return { ok: true, elf: parse(buf) };
  } catch (err) {
    if (err instanceof ElfError || err instanceof RangeError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(buf: Uint8Array): ElfInfo {
  if (!isElf(buf)) throw new ElfError('not an ELF file (bad magic)');
  if (buf.length < 16) throw new ElfError('truncated identification');
  const cls = buf[4];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad class ${cls}`);
  const data = buf[5];
  if (data !== 1 && data !== 2) throw new ElfError(`bad data encoding ${data}`);
  const is64 = cls === 2;
  const r = new Reader(buf, data === 1);
  const word = (off: number, what: string) => (is64 ? r.u64(off, what) : r.u32(off, what));
  const ehsize = is64 ? 64 : 52;
  r.range(0, ehsize, 'ELF header');

  const etype = r.u16(16, 'e_type');
  const machine = r.u16(18, 'e_machine');
  const entry = is64 ? r.u64hex(24, 'e_entry') : '0x' + r.u32(24, 'e_entry').toString(16);
  const phoff = word(is64 ? 32 : 28, 'e_phoff');
  const shoff = word(is64 ? 40 : 32, 'e_shoff');
  const phentsize = r.u16(is64 ? 54 : 42, 'e_phentsize');
  let phnum = r.u16(is64 ? 56 : 44, 'e_phnum');
  const shentsize = r.u16(is64 ? 58 : 46, 'e_shentsize');
  let shnum = r.u16(is64 ? 60 : 48, 'e_shnum');
  let shstrndx = r.u16(is64 ? 62 : 50, 'e_shstrndx');

  // Section 0 carries the real counts when they overflow the header fields (extended numbering).
  const shMin = is64 ? 64 : 40;
  if (shoff !== 0) {
    if (shentsize < shMin) throw new ElfError(`e_shentsize ${shentsize} is too small`);
    if (shnum === 0) shnum = word(shoff + (is64 ? 32 : 20), 'section 0 sh_size');
    if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + (is64 ? 40 : 24), 'section 0 sh_link');
    if (phnum === 0xffff) phnum = r.u32(shoff + (is64 ? 44 : 28), 'section 0 sh_info');
  } else shnum = 0;
  if (shnum > MAX_SECTIONS) throw new ElfError(`${shnum} sections is more than ${MAX_SECTIONS}`);

  const segments: ElfSegment[] = [];
  const loads: ElfSegment[] = [];
  let interpreter: string | null = null;
  let dynamic: { offset: number; size: number } | null = null;
  let gnuStack: number | null = null;
  let relroSeg = false;
  if (phnum > 0) {
    const phMin = is64 ? 56 : 32;
    if (phentsize < phMin) throw new ElfError(`e_phentsize ${phentsize} is too small`);
    r.range(phoff, phnum * phentsize, 'program header table');
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      const type = r.u32(p, 'p_type');
      const flags = is64 ? r.u32(p + 4, 'p_flags') : r.u32(p + 24, 'p_flags');
      const seg: ElfSegment = {
        type: PT[type] ?? `0x${type.toString(16)}`,
        flags: (flags & 4 ? 'R' : '') + (flags & 2 ? 'W' : '') + (flags & 1 ? 'E' : ''),
        offset: word(p + (is64 ? 8 : 4), 'p_offset'),
        vaddr: word(p + (is64 ? 16 : 8), 'p_vaddr'),
        filesz: word(p + (is64 ? 32 : 16), 'p_filesz'),
        memsz: word(p + (is64 ? 40 : 20), 'p_memsz'),
      };
      segments.push(seg);
      if (type === PT_LOAD) loads.push(seg);
      else if (type === PT_INTERP) {
        r.range(seg.offset, seg.filesz, 'PT_INTERP');
        interpreter = r.cstr(seg.offset, seg.offset + seg.filesz, 'PT_INTERP');
      } else if (type === PT_DYNAMIC) dynamic = { offset: seg.offset, size: seg.filesz };
      else if (type === PT_GNU_STACK) gnuStack = flags;
      else if (type === PT_GNU_RELRO) relroSeg = true;
    }
  }

  const sections: ElfSection[] = [];
  if (shnum > 0) {
    r.range(shoff, shnum * shentsize, 'section header table');
    const raw: { nameOff: number; type: number; offset: number; size: number }[] = [];
    for (let i = 0; i < shnum; i++) {
      const s = shoff + i * shentsize;
      raw.push({
        nameOff: r.u32(s, 'sh_name'),
        type: r.u32(s + 4, 'sh_type'),
        offset: word(s + (is64 ? 24 : 16), 'sh_offset'),
        size: word(s + (is64 ? 32 : 20), 'sh_size'),
      });
    }
    const strtab = shstrndx < raw.length && shstrndx !== 0 ? raw[shstrndx]! : null;
    if (strtab) r.range(strtab.offset, strtab.size, 'section name table');
    for (const s of raw) {
      const name = strtab && s.nameOff < strtab.size ? r.cstr(strtab.offset + s.nameOff, strtab.offset + strtab.size, 'section name') : '';
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
    r.range(dynamic.offset, dynamic.size, 'dynamic section');
    const entSize = is64 ? 16 : 8;
    const count = Math.min(Math.floor(dynamic.size / entSize), MAX_DYNAMIC);
    const entries: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const e = dynamic.offset + i * entSize;
      const tag = is64 ? r.u64(e, 'd_tag') : r.u32(e, 'd_tag');
      if (tag === DT_NULL) break;
      entries.push([tag, word(e + (is64 ? 8 : 4), 'd_val')]);
    }
    const strVaddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
    const strSize = entries.find(([t]) => t === DT_STRSZ)?.[1] ?? 0;
    let strOff: number | null = null;
    if (strVaddr !== undefined) {
      // DT_STRTAB is an address: find the loaded segment that maps it to a file offset.
      const seg = loads.find((l) => strVaddr >= l.vaddr && strVaddr < l.vaddr + l.filesz);
      strOff = seg ? seg.offset + (strVaddr - seg.vaddr) : loads.length === 0 ? strVaddr : null;
      if (strOff === null) throw new ElfError(`DT_STRTAB 0x${strVaddr.toString(16)} is not in a loaded segment`);
    }
    const str = (v: number, what: string) => {
      if (strOff === null) throw new ElfError(`${what} without DT_STRTAB`);
      if (strSize && v >= strSize) throw new ElfError(`${what} offset ${v} is past DT_STRSZ ${strSize}`);
      return r.cstr(strOff + v, strSize ? strOff + strSize : buf.length, what);
    };
    for (const [tag, val] of entries) {
      if (tag === DT_NEEDED) needed.push(str(val, 'DT_NEEDED'));
      else if (tag === DT_SONAME) soname = str(val, 'DT_SONAME');
      else if (tag === DT_RPATH) rpath = str(val, 'DT_RPATH');
      else if (tag === DT_RUNPATH) runpath = str(val, 'DT_RUNPATH');
      else if (tag === DT_FLAGS) flags = val;
      else if (tag === DT_FLAGS_1) flags1 = val;
      else if (tag === DT_BIND_NOW) bindNowTag = true;
    }
  }

  const type = TYPES[etype] ?? `0x${etype.toString(16)}`;
  const bindNow = bindNowTag || (flags & DF_BIND_NOW) !== 0 || (flags1 & DF_1_NOW) !== 0;
  return {
    class: is64 ? 64 : 32,
    endian: data === 1 ? 'little' : 'big',
    osabi: buf[7]!,
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
    nxStack: gnuStack !== null && (gnuStack & 1) === 0,
    hasDynamic: dynamic !== null,
  };
}
