import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_READ, bufferSource, type ByteSource } from '../../../src/host/byte-source.js';
import { parseElf } from '../../../src/collectors/files/elf.parse.js';

const LS = readFileSync('/bin/ls');

/** The parser over an in-memory image. */
const parse = (buf: Uint8Array) => parseElf(bufferSource(buf));

async function must(buf: Uint8Array) {
  const r = await parse(buf);
  if (!r.ok) throw new Error(r.error);
  return r.elf;
}

/** A tiny valid ELF: 64-bit LE header, one PT_LOAD, one PT_DYNAMIC with NEEDED and RUNPATH. */
function tinyElf(o: { big?: boolean; is32?: boolean } = {}): Buffer {
  const is64 = !o.is32;
  const le = !o.big;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phoff = ehsize;
  const strOff = phoff + 2 * phentsize;
  const strtab = Buffer.from('\0libfoo.so.1\0/opt/lib\0', 'latin1');
  const dynOff = strOff + strtab.length;
  const entSize = is64 ? 16 : 8;
  const dyn: [number, number][] = [[1, 1], [29, 13], [5, strOff], [10, strtab.length], [0x6ffffffb, 0x08000001], [0, 0]];
  const size = dynOff + dyn.length * entSize;
  const b = Buffer.alloc(size);
  const w16 = (v: number, off: number) => (le ? b.writeUInt16LE(v, off) : b.writeUInt16BE(v, off));
  const w32 = (v: number, off: number) => (le ? b.writeUInt32LE(v, off) : b.writeUInt32BE(v, off));
  const wW = (v: number, off: number) => (is64 ? (le ? b.writeBigUInt64LE(BigInt(v), off) : b.writeBigUInt64BE(BigInt(v), off)) : w32(v, off));
  b.write('\x7fELF', 0, 'latin1');
  b[4] = is64 ? 2 : 1;
  b[5] = le ? 1 : 2;
  b[6] = 1;
  w16(3, 16); // DYN
  w16(is64 ? 62 : 3, 18);
  wW(0x1000, 24);
  wW(phoff, is64 ? 32 : 28);
  w16(phentsize, is64 ? 54 : 42);
  w16(2, is64 ? 56 : 44);
  const ph = (i: number, type: number, off: number, filesz: number, flags: number) => {
    const p = phoff + i * phentsize;
    w32(type, p);
    if (is64) {
      w32(flags, p + 4);
      wW(off, p + 8);
      wW(off, p + 16);
      wW(filesz, p + 32);
      wW(filesz, p + 40);
    } else {
      wW(off, p + 4);
      wW(off, p + 8);
      wW(filesz, p + 16);
      wW(filesz, p + 20);
      w32(flags, p + 24);
    }
  };
  ph(0, 1, 0, size, 5);
  ph(1, 2, dynOff, dyn.length * entSize, 6);
  strtab.copy(b, strOff);
  dyn.forEach(([t, v], i) => {
    wW(t, dynOff + i * entSize);
    wW(v, dynOff + i * entSize + (is64 ? 8 : 4));
  });
  return b;
}

describe('parseElf on real files of this machine', () => {
  it('/bin/ls: a dynamically linked executable', async () => {
    const elf = await must(LS);
    expect(elf.class).toBe(64);
    expect(['EXEC', 'DYN']).toContain(elf.type);
    expect(elf.interpreter).toMatch(/^\/lib.*ld-linux/);
    expect(elf.needed).toContain('libc.so.6');
    expect(elf.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.text', '.dynamic', '.dynstr']));
    expect(elf.segments.some((s) => s.type === 'LOAD')).toBe(true);
  });
  it('libc.so.6: a shared library with a SONAME and no interpreter needed to be PIE', async () => {
    const elf = await must(readFileSync('/lib/x86_64-linux-gnu/libc.so.6'));
    expect(elf.type).toBe('DYN');
    expect(elf.soname).toBe('libc.so.6');
  });
});

describe('parseElf on synthetic files', () => {
  for (const variant of [{}, { big: true }, { is32: true }, { is32: true, big: true }]) {
    it(`reads a tiny ${JSON.stringify(variant)} ELF`, async () => {
      const elf = await must(tinyElf(variant));
      expect(elf.class).toBe(variant.is32 ? 32 : 64);
      expect(elf.endian).toBe(variant.big ? 'big' : 'little');
      expect(elf.needed).toEqual(['libfoo.so.1']);
      expect(elf.runpath).toBe('/opt/lib');
      expect(elf.pie).toBe(true); // DF_1_PIE
      expect(elf.bindNow).toBe(true); // DF_1_NOW
      expect(elf.relro).toBe('none');
      expect(elf.nxStack).toBe(false); // no PT_GNU_STACK
    });
  }
});

describe('parseElf on corrupt files: an error result, never a throw or a hang', () => {
  it('not ELF, bad class, bad encoding', async () => {
    expect(await parse(Buffer.from('hello'))).toMatchObject({ ok: false });
    const b = tinyElf();
    b[4] = 9;
    expect(await parse(b)).toMatchObject({ ok: false, error: 'bad class 9' });
    const c = tinyElf();
    c[5] = 0;
    expect(await parse(c)).toMatchObject({ ok: false, error: 'bad data encoding 0' });
  });
  it('every truncation of a real binary header region', async () => {
    for (let n = 0; n < 4096; n += 7) {
      const r = await parse(LS.subarray(0, n));
      expect(typeof r.ok).toBe('boolean');
    }
    expect((await parse(LS.subarray(0, LS.length - 100))).ok).toBe(false); // section headers are at the end
  });
  it('huge offsets and counts', async () => {
    const a = Buffer.from(LS);
    a.writeBigUInt64LE(0xffffffffffffff00n, 32); // e_phoff
    expect(await parse(a)).toMatchObject({ ok: false });
    const b = Buffer.from(LS);
    b.writeUInt16LE(0xffff, 56); // e_phnum (extended) -> read from section 0
    b.writeUInt16LE(0, 60); // e_shnum 0 -> section 0 sh_size
    b.writeBigUInt64LE(BigInt(b.readBigUInt64LE(40)) + 0n, 40);
    const shoff = Number(b.readBigUInt64LE(40));
    b.writeBigUInt64LE(0xffffffffn, shoff + 32); // section 0 sh_size = 4 billion sections
    expect(await parse(b)).toMatchObject({ ok: false });
    const c = tinyElf();
    c.writeBigUInt64LE(0x7fffffffn, 64 + 56 + 32); // PT_DYNAMIC p_filesz far past the end
    expect(await parse(c)).toMatchObject({ ok: false });
  });
  it('a DT_NEEDED string offset outside the string table', async () => {
    const b = tinyElf();
    const dynOff = 64 + 2 * 56 + '\0libfoo.so.1\0/opt/lib\0'.length;
    b.writeBigUInt64LE(999n, dynOff + 8);
    expect(await parse(b)).toMatchObject({ ok: false, error: expect.stringContaining('DT_NEEDED') });
  });
  it('random corruption of a real binary never throws and stays fast', async () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(LS.subarray(0, 8192 + Math.floor(rand() * (LS.length - 8192))));
      for (let j = 0; j < 8; j++) b[Math.floor(rand() * Math.min(b.length, 512))] = Math.floor(rand() * 256);
      await expect(parse(b)).resolves.toMatchObject({ ok: expect.any(Boolean) });
    }
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

/** A source that records every read it serves. */
function recording(buf: Uint8Array): { src: ByteSource; reads: [number, number][] } {
  const inner = bufferSource(buf);
  const reads: [number, number][] = [];
  return {
    reads,
    src: {
      size: inner.size,
      read(offset, length) {
        reads.push([offset, length]);
        return inner.read(offset, length);
      },
    },
  };
}

describe('parseElf reads only the ELF structures, in bounded reads', () => {
  it('/bin/ls: a few small reads, a small part of the file', async () => {
    const { src, reads } = recording(LS);
    const r = await parseElf(src);
    expect(r.ok).toBe(true);
    const total = reads.reduce((n, [, len]) => n + len, 0);
    expect(reads.length).toBeLessThan(20);
    expect(total).toBeLessThan(LS.length / 4);
    expect(Math.max(...reads.map(([, len]) => len))).toBeLessThanOrEqual(MAX_READ);
  });
  it('a large image (256 MiB of zeroes after the structures) reads what /bin/ls needs, no more', async () => {
    const big = Buffer.alloc(256 * 1024 * 1024);
    LS.copy(big);
    const { src, reads } = recording(big);
    expect(await parseElf(src)).toMatchObject({ ok: true, elf: { needed: expect.arrayContaining(['libc.so.6']) } });
    expect(reads.reduce((n, [, len]) => n + len, 0)).toBeLessThan(LS.length);
  });
  it('a read error or a file that shrank is an error result', async () => {
    const failing: ByteSource = { size: LS.length, read: async () => Promise.reject(new Error('EIO: i/o error, read')) };
    expect(await parseElf(failing)).toMatchObject({ ok: false, error: expect.stringContaining('EIO') });
    const shrunk: ByteSource = { size: LS.length, read: async (off, len) => LS.subarray(off, off + Math.min(len, 32)) };
    expect(await parseElf(shrunk)).toMatchObject({ ok: false, error: expect.stringContaining('ended early') });
  });
  it('forged counts and sizes never make a large read or allocation', async () => {
    // 65535 program headers of 65535 bytes each, "inside" a 4 GiB file that is mostly a hole.
    const head = Buffer.from(LS.subarray(0, 64));
    head.writeUInt16LE(0xffff, 54); // e_phentsize
    head.writeUInt16LE(0xfffe, 56); // e_phnum
    head.writeBigUInt64LE(0n, 40); // no section headers
    const reads: number[] = [];
    const huge: ByteSource = {
      size: 4 * 1024 ** 3,
      async read(off, len) {
        reads.push(len);
        const b = Buffer.alloc(len);
        if (off < 64) head.copy(b, 0, off, Math.min(64, off + len));
        return b;
      },
    };
    expect(await parseElf(huge)).toMatchObject({ ok: false, error: expect.stringContaining('more than') });
    expect(Math.max(...reads)).toBeLessThanOrEqual(MAX_READ);
    expect(reads.reduce((n, l) => n + l, 0)).toBeLessThanOrEqual(17 * 1024 * 1024);
  });
  it('section names that all point at one 4 KiB unterminated run stay within the name budget', async () => {
    // 65535 sections whose names are each ~4 KiB would be 256 MiB of strings.
    const shnum = 0xffff;
    const shoff = 4096;
    const strOff = shoff + shnum * 64;
    const b = Buffer.alloc(strOff + 8192);
    LS.copy(b, 0, 0, 64);
    b.writeBigUInt64LE(0n, 32); // no program headers
    b.writeUInt16LE(0, 56);
    b.writeBigUInt64LE(BigInt(shoff), 40);
    b.writeUInt16LE(shnum, 60);
    b.writeUInt16LE(1, 62); // e_shstrndx
    for (let i = 0; i < shnum; i++) b.writeUInt32LE(i % 16, shoff + i * 64); // sh_name
    b.writeBigUInt64LE(BigInt(strOff), shoff + 64 + 24); // section 1: sh_offset
    b.writeBigUInt64LE(8192n, shoff + 64 + 32); // sh_size
    b.fill(0x41, strOff);
    const t0 = performance.now();
    expect(await parse(b)).toMatchObject({ ok: false, error: expect.stringContaining('characters of names') });
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
