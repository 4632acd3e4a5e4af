import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBdbHashMeta, readBdbPackages } from '../../../src/collectors/software/rpm-bdb.js';
import { bufferFile } from '../../../src/collectors/software/rpm-file.js';
import { adler32, encodeNdb, readNdbPackages } from '../../../src/collectors/software/rpm-ndb.js';
import { encodeRpmHeader, parseRpmHeader, rpmPackageTags } from '../../../src/collectors/software/rpm.parse.js';
import { rpm } from '../../../src/collectors/software/rpm.js';
import { collectOnce, tempDir } from '../../helpers.js';
import { hasProgram } from '../../support/programs.js';
import { hostWith } from './host.js';
import { writeBdbPackages } from './rpmdb.js';

const RPMTAG_BASENAMES = 1117;
const LIMIT = { maxBlob: 64 * 1024 * 1024 };

/** Packages of every size: tiny ones stay on a hash page, big ones need overflow chains longer than a 64 KiB page. */
function blobs(n: number): { names: string[]; blobs: Buffer[] } {
  const names: string[] = [];
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const name = `pkg-${i}`;
    const tags = rpmPackageTags({ name, version: `1.${i}`, release: `${i % 7}.el8`, epoch: i % 5 === 0 ? i : undefined, arch: i % 3 ? 'x86_64' : 'noarch' });
    const files = [0, 3, 40, 900, 5000][i % 5]!; // up to ~150 KB of header
    if (files) tags.push({ tag: RPMTAG_BASENAMES, strings: Array.from({ length: files }, (_, j) => `lib-${name}-file-number-${j}.so`) });
    names.push(`${name} ${i % 5 === 0 ? `${i}:` : ''}1.${i}-${i % 7}.el8 ${i % 3 ? 'x86_64' : 'noarch'}`);
    out.push(encodeRpmHeader(tags));
  }
  return { names: names.sort(), blobs: out };
}

async function readAll(format: 'bdb' | 'ndb', data: Buffer): Promise<{ got: string[]; bad: string[] }> {
  const got: string[] = [];
  const bad: string[] = [];
  const sink = {
    blob: (_id: number, b: Buffer) => {
      const p = parseRpmHeader(b);
      got.push(`${p.name} ${p.epoch !== null ? `${p.epoch}:` : ''}${p.version}-${p.release} ${p.arch}`);
    },
    bad: (id: number, reason: string) => bad.push(`${id}: ${reason}`),
  };
  await (format === 'bdb' ? readBdbPackages : readNdbPackages)(bufferFile(data), sink, LIMIT);
  return { got: got.sort(), bad };
}

const SET = blobs(60);

const BDB = '/var/lib/rpm/Packages';
const NDB = '/usr/lib/sysimage/rpm/Packages.db';

function bdbFile(opts: { littleEndian: boolean; pageSize: number }, set = SET.blobs): Buffer {
  const file = path.join(tempDir('hb-bdb-'), 'Packages');
  writeBdbPackages(file, set, opts);
  return readFileSync(file);
}

/** Page numbers of a given type (25th byte of the page header). */
function pagesOfType(db: Buffer, pageSize: number, type: number): number[] {
  const out: number[] = [];
  for (let p = 1; p * pageSize < db.length; p++) if (db[p * pageSize + 25] === type) out.push(p);
  return out;
}

async function collectBdb(data: Buffer) {
  return collectOnce(rpm, hostWith({ [BDB]: data }));
}

describe.skipIf(!hasProgram('db5.3_load'))('Berkeley DB Packages reader', () => {
  for (const littleEndian of [true, false]) {
    for (const pageSize of [512, 1024, 4096, 16384, 65536]) {
      it(`reads every header, inline and overflow, ${littleEndian ? 'little' : 'big'}-endian, ${pageSize}-byte pages`, async () => {
        const db = bdbFile({ littleEndian, pageSize });
        const meta = parseBdbHashMeta(db.subarray(0, 512));
        expect(meta).toMatchObject({ littleEndian, pageSize });
        expect(pagesOfType(db, pageSize, 7).length).toBeGreaterThan(0); // overflow pages are used
        const { got, bad } = await readAll('bdb', db);
        expect(bad).toEqual([]);
        expect(got).toEqual(SET.names);
      });
    }
  }

  it('fails naming the file on a truncated database', async () => {
    const db = bdbFile({ littleEndian: true, pageSize: 4096 });
    const { state } = await collectBdb(db.subarray(0, db.length - 4096));
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/^\/var\/lib\/rpm\/Packages: truncated: the metadata counts \d+ pages of 4096 bytes, the file has \d+ bytes$/);
    expect((await collectBdb(db.subarray(0, 100))).state.lastError).toBe(`${BDB}: 100 bytes, shorter than a Berkeley DB metadata page`);
  });

  it('stops on an overflow chain that loops, without hanging', async () => {
    const pageSize = 512;
    const db = bdbFile({ littleEndian: true, pageSize });
    // Point the second page of some chain back at the first: every overflow page that is followed by another.
    const overflow = pagesOfType(db, pageSize, 7);
    const middle = overflow.find((p) => db.readUInt32LE(p * pageSize + 16) !== 0 && db.readUInt32LE(p * pageSize + 12) !== 0)!;
    const previous = db.readUInt32LE(middle * pageSize + 12);
    db.writeUInt32LE(previous, middle * pageSize + 16);
    const { state } = await collectBdb(db);
    expect(state.lastError).toMatch(/^\/var\/lib\/rpm\/Packages: overflow chain from page \d+ loops back to page \d+$/);
  });

  it('rejects absurd lengths, page numbers and offsets', async () => {
    const pageSize = 4096;
    const good = bdbFile({ littleEndian: false, pageSize });
    const hashPage = pagesOfType(good, pageSize, 13).find((p) => good.readUInt16BE(p * pageSize + 20) > 0)!;
    const base = hashPage * pageSize;
    // Find an H_OFFPAGE data item on that page.
    const entries = good.readUInt16BE(base + 20);
    let offpage = -1;
    for (let i = 1; i < entries; i += 2) {
      const at = base + good.readUInt16BE(base + 26 + 2 * i);
      if (good[at] === 3) offpage = at;
    }
    expect(offpage).toBeGreaterThan(0);

    const hugeLength = Buffer.from(good);
    hugeLength.writeUInt32BE(0xffffffff, offpage + 8);
    expect((await collectBdb(hugeLength)).state.lastError).toMatch(/overflow item of 4294967295 bytes exceeds the \d+-byte limit/);

    const farPage = Buffer.from(good);
    farPage.writeUInt32BE(0x7fffffff, offpage + 4);
    expect((await collectBdb(farPage)).state.lastError).toMatch(/page 2147483647 is outside the database/);

    const badOffset = Buffer.from(good);
    badOffset.writeUInt16BE(3, base + 26);
    expect((await collectBdb(badOffset)).state.lastError).toMatch(new RegExp(`page ${hashPage}: item 0 at offset 3 is outside`));

    const oddCount = Buffer.from(good);
    oddCount.writeUInt16BE(entries + 1, base + 20);
    expect((await collectBdb(oddCount)).state.lastError).toMatch(/odd item count/);

    const hugeLastPage = Buffer.from(good);
    hugeLastPage.writeUInt32BE(0xffffffff, 32);
    expect((await collectBdb(hugeLastPage)).state.lastError).toMatch(/truncated: the metadata counts 4294967296 pages/);

    const badPageSize = Buffer.from(good);
    badPageSize.writeUInt32BE(3000, 20);
    expect((await collectBdb(badPageSize)).state.lastError).toBe(`${BDB}: bad page size 3000`);

    expect((await collectBdb(Buffer.alloc(8192, 0x41))).state.lastError).toBe(`${BDB}: not a Berkeley DB hash database (magic 0x41414141)`);
  });

  it('never throws anything but RpmDbError or a header error on damaged pages, and always ends', async () => {
    const pageSize = 512;
    const good = bdbFile({ littleEndian: true, pageSize }, SET.blobs.slice(0, 12));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 300; i++) {
      const db = Buffer.from(good);
      for (let j = 0; j < 6; j++) db[pageSize + Math.floor(rand() * (db.length - pageSize))] = Math.floor(rand() * 256);
      try {
        await readAll('bdb', db);
      } catch (err) {
        expect(['RpmDbError', 'RpmHeaderError']).toContain((err as Error).constructor.name);
      }
    }
  });
});

describe('ndb Packages.db reader', () => {
  const ndbSet = blobs(600); // three slot pages
  const good = encodeNdb(ndbSet.blobs.map((blob, i) => ({ pkgidx: i + 1, blob })));

  it('reads every blob across slot pages', async () => {
    expect(good.readUInt32LE(12)).toBe(3);
    const { got, bad } = await readAll('ndb', good);
    expect(bad).toEqual([]);
    expect(got).toEqual(ndbSet.names);
  });

  it('skips free slots', async () => {
    const db = Buffer.from(good);
    db.writeUInt32LE(0, 32 + 8); // first slot: block offset 0 is a free slot
    const { got } = await readAll('ndb', db);
    expect(got).toHaveLength(599);
    expect(got).not.toContain(ndbSet.names.find((n) => n.startsWith('pkg-0 ')));
  });

  it('computes Adler-32 as RFC 1950 does', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(0x149a302c); // zlib.adler32, past the 5552-byte runs
  });

  it('reports a damaged blob for its package and reads the others', async () => {
    const db = Buffer.from(good);
    const firstBlob = db.readUInt32LE(32 + 8) * 16;
    db[firstBlob + 40] = db[firstBlob + 40]! ^ 0xff; // inside the header blob: the checksum no longer matches
    const { state, tables } = await collectOnce(rpm, hostWith({ [NDB]: db }));
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(1);
    expect(tables.package_count).toEqual([{ manager: 'rpm', count: 599 }]);
  });

  it('fails naming the file on truncated, hostile or foreign files', async () => {
    const fail = async (data: Buffer) => (await collectOnce(rpm, hostWith({ [NDB]: data }))).state.lastError;
    expect(await fail(good.subarray(0, good.length - 4096))).toMatch(/^\/usr\/lib\/sysimage\/rpm\/Packages\.db: truncated: slot \d+ \(package \d+\) ends at byte \d+, the file has \d+$/);
    expect(await fail(good.subarray(0, good.length - 3))).toMatch(/truncated: \d+ bytes is not a whole number of 16-byte blocks/);
    expect(await fail(Buffer.alloc(4096))).toBe(`${NDB}: not an ndb database (no RpmP magic)`);
    expect(await fail(Buffer.alloc(10))).toBe(`${NDB}: 10 bytes, shorter than an ndb header`);
    const manyPages = Buffer.from(good);
    manyPages.writeUInt32LE(0xffffffff, 12);
    expect(await fail(manyPages)).toBe(`${NDB}: bad slot page count 4294967295`);
    const tooManyPages = encodeNdb(ndbSet.blobs.slice(0, 3).map((blob, i) => ({ pkgidx: i + 1, blob })));
    tooManyPages.writeUInt32LE(4000, 12);
    expect(await fail(tooManyPages)).toMatch(/truncated: 4000 slot pages do not fit/);
    const badSlot = Buffer.from(good);
    badSlot.writeUInt32LE(0xdeadbeef, 48);
    expect(await fail(badSlot)).toBe(`${NDB}: slot 3: bad magic`);
    const slotInsideSlots = Buffer.from(good);
    slotInsideSlots.writeUInt32LE(1, 32 + 8);
    expect(await fail(slotInsideSlots)).toMatch(/slot 2: bad entry/);
  });

  it('reports absurd blob lengths per package', async () => {
    const db = Buffer.from(good);
    const firstBlob = db.readUInt32LE(32 + 8) * 16;
    db.writeUInt32LE(0xfffffff0, firstBlob + 12);
    const { got, bad } = await readAll('ndb', db);
    expect(got).toHaveLength(599);
    expect(bad).toEqual([expect.stringMatching(/^1: blob at byte \d+: blob length 4294967280 does not match its \d+ blocks$/)]);
    const small = { ...LIMIT, maxBlob: 1000 };
    const seen: string[] = [];
    await readNdbPackages(bufferFile(good), { blob: () => {}, bad: (_id, r) => seen.push(r) }, small);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatch(/exceeds the 1000-byte limit/);
  });

  it('never throws anything but RpmDbError on damaged bytes', async () => {
    const small = encodeNdb(ndbSet.blobs.slice(0, 20).map((blob, i) => ({ pkgidx: i + 1, blob })));
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 300; i++) {
      const db = Buffer.from(small);
      for (let j = 0; j < 4; j++) db[Math.floor(rand() * db.length)] = Math.floor(rand() * 256);
      try {
        await readAll('ndb', db);
      } catch (err) {
        expect(['RpmDbError', 'RpmHeaderError']).toContain((err as Error).constructor.name);
      }
    }
  });
});
