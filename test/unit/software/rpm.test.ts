import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { encodeNdb } from '../../../src/collectors/software/rpm-ndb.js';
import { rpm } from '../../../src/collectors/software/rpm.js';
import { encodeRpmHeader, parseRpmHeader, RPMTAG, rpmEvr, rpmPackageTags } from '../../../src/collectors/software/rpm.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';
import { HOST_A_RPMS, writeRpmdb } from './rpmdb.js';

const DB = '/var/lib/rpm/rpmdb.sqlite';
const pkg = { name: 'zlib', version: '1.2.11', release: '40.el9', arch: 'x86_64', installTime: 1700000000, sourceRpm: 'zlib-1.2.11-40.el9.src.rpm', size: 200000 };

function rootWithDb(packages: Parameters<typeof writeRpmdb>[1]): string {
  const root = hostWith({});
  writeRpmdb(path.join(root, DB), packages);
  return root;
}

describe('parseRpmHeader', () => {
  it('round-trips the tags it reads', () => {
    const p = parseRpmHeader(encodeRpmHeader(rpmPackageTags({ ...pkg, epoch: 3 })));
    expect(p).toEqual({ ...pkg, epoch: 3 });
    expect(rpmEvr(p)).toBe('3:1.2.11-40.el9');
    expect(rpmEvr({ ...p, epoch: null })).toBe('1.2.11-40.el9');
  });

  it('reads the first string of an array or i18n string and ignores unknown tags', () => {
    const blob = encodeRpmHeader([
      { tag: 100, strings: ['C', 'de'] },
      { tag: RPMTAG.NAME, string: 'ünïcode' },
      { tag: RPMTAG.VERSION, string: '1' },
      { tag: RPMTAG.RELEASE, string: '1' },
      { tag: RPMTAG.SOURCERPM, strings: ['a.src.rpm', 'b'] },
    ]);
    expect(parseRpmHeader(blob)).toMatchObject({ name: 'ünïcode', sourceRpm: 'a.src.rpm', arch: '', epoch: null, installTime: null });
  });

  it('rejects truncated, garbage and out-of-range blobs without reading past them', () => {
    const good = encodeRpmHeader(rpmPackageTags(pkg));
    const bad = (b: Buffer) => () => parseRpmHeader(b);
    expect(bad(Buffer.alloc(3))).toThrow(/shorter than a header preamble/);
    expect(bad(good.subarray(0, good.length - 5))).toThrow(/header needs \d+ bytes/);
    expect(bad(Buffer.from('this is not an rpm header at all, just text'))).toThrow(/bad index count/);
    const hugeIl = Buffer.from(good);
    hugeIl.writeInt32BE(0x7fffffff, 0);
    expect(bad(hugeIl)).toThrow(/bad index count/);
    const negDl = Buffer.from(good);
    negDl.writeInt32BE(-1, 4);
    expect(bad(negDl)).toThrow(/bad data size/);
    const farOffset = Buffer.from(good);
    farOffset.writeInt32BE(1_000_000, 8 + 8); // first entry (NAME) points outside the data store
    expect(bad(farOffset)).toThrow(/tag 1000: offset/);
    // A string with no terminating NUL before the end of the data store.
    const noNul = encodeRpmHeader([{ tag: RPMTAG.NAME, string: 'x' }, { tag: RPMTAG.VERSION, string: '1' }, { tag: RPMTAG.RELEASE, string: '1' }]);
    noNul[noNul.length - 1] = 0x41;
    expect(bad(noNul)).toThrow(/runs past the data store/);
    const wrongType = encodeRpmHeader([{ tag: RPMTAG.NAME, int32: 5 }]);
    expect(bad(wrongType)).toThrow(/not a string/);
    const noName = encodeRpmHeader([{ tag: RPMTAG.VERSION, string: '1' }]);
    expect(bad(noName)).toThrow(/tag 1000 is missing/);
  });

  it('never throws anything but RpmHeaderError on random bytes', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const good = encodeRpmHeader(rpmPackageTags(pkg));
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(good);
      for (let j = 0; j < 4; j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        parseRpmHeader(b);
      } catch (err) {
        expect((err as Error).constructor.name).toBe('RpmHeaderError');
      }
    }
  });
});

describe('rpm collector', () => {
  it('reads the fixture host database, gpg-pubkey included and marked', async () => {
    if (process.env.UPDATE_FIXTURES === '1') writeRpmdb(path.join(fixturePath('host-a'), DB), HOST_A_RPMS);
    const { state, tables, samples } = await collectOnce(rpm, fixturePath('host-a'));
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`)).toEqual([
      'bash 5.1.8-9.el9 x86_64',
      'gpg-pubkey fd431d51-4ae0493b ',
      'kernel-core 5.14.0-427.13.1.el9_4 x86_64',
      'kernel-core 5.14.0-503.14.1.el9_5 x86_64',
      'openssl-libs 1:3.0.7-27.el9 x86_64',
      'tzdata 2024a-1.el9 noarch',
    ]);
    expect(tables.packages!.find((r) => r.name === 'openssl-libs')).toMatchObject({
      epoch: 1,
      upstream_version: '3.0.7',
      release: '27.el9',
      install_time: 1736935260,
      source_rpm: 'openssl-3.0.7-27.el9.src.rpm',
      size_bytes: 6439316,
      pseudo: false,
    });
    expect(tables.packages!.find((r) => r.name === 'gpg-pubkey')!.pseudo).toBe(true);
    expect(tables.package_count).toEqual([{ manager: 'rpm', count: 6 }]);
    expect(samples).toContain('hostbaseline_packages{manager="rpm"} 6\n');
  });

  it('succeeds with zero rows without an rpm database', async () => {
    const { state, tables } = await collectOnce(rpm, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.package_count).toEqual([{ manager: 'rpm', count: 0 }]);
  });

  it('finds the database under /usr/lib/sysimage/rpm too', async () => {
    const root = hostWith({});
    writeRpmdb(path.join(root, '/usr/lib/sysimage/rpm/rpmdb.sqlite'), [pkg]);
    const { tables } = await collectOnce(rpm, root);
    expect(tables.packages!.map((r) => r.name)).toEqual(['zlib']);
  });

  it('skips a corrupt blob, counts it, and keeps the other packages', async () => {
    const good = encodeRpmHeader(rpmPackageTags(pkg));
    const root = rootWithDb([pkg, good.subarray(0, 20), Buffer.from('garbage'), { ...pkg, name: 'zstd' }]);
    const { state, tables } = await collectOnce(rpm, root);
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => r.name)).toEqual(['zlib', 'zstd']);
    expect(state.parseErrorsTotal).toBe(2);
  });

  it('fails naming the file when rpmdb.sqlite is not an SQLite database', async () => {
    const root = hostWith({ [DB]: 'this is not a database, just some text that is long enough to look like a header '.repeat(20) });
    const { state } = await collectOnce(rpm, root);
    expect(state.success).toBe(false);
    expect(state.lastError).toBe(`${DB}: not an SQLite database`);
  });

  it('fails naming the file when the database has no Packages table', async () => {
    const root = hostWith({});
    mkdirSync(path.join(root, 'var/lib/rpm'), { recursive: true });
    const db = new DatabaseSync(path.join(root, DB));
    db.exec('CREATE TABLE Other (x)');
    db.close();
    const { state } = await collectOnce(rpm, root);
    expect(state.lastError).toBe(`${DB}: no Packages table, not an rpm database`);
  });

  it('fails when rpmdb.sqlite is a directory, and names the file of a damaged Berkeley DB', async () => {
    const dirRoot = hostWith({});
    mkdirSync(path.join(dirRoot, DB), { recursive: true });
    expect((await collectOnce(rpm, dirRoot)).state.lastError).toBe(`${DB}: not a regular file`);
    const bdb = hostWith({ '/var/lib/rpm/Packages': Buffer.alloc(64) });
    expect((await collectOnce(rpm, bdb)).state.lastError).toBe('/var/lib/rpm/Packages: 64 bytes, shorter than a Berkeley DB metadata page');
  });

  it('picks the database as rpm detects it: sqlite, then ndb, then Berkeley DB; /usr/lib/sysimage/rpm first', async () => {
    const blob = (name: string) => encodeRpmHeader(rpmPackageTags({ ...pkg, name }));
    const ndb = (name: string) => encodeNdb([{ pkgidx: 1, blob: blob(name) }]);
    const names = async (files: Record<string, Buffer>, sqlite?: string) => {
      const root = hostWith(files);
      if (sqlite) writeRpmdb(path.join(root, sqlite), [{ ...pkg, name: 'from-sqlite' }]);
      const { state, tables } = await collectOnce(rpm, root);
      expect(state.success, state.lastError ?? '').toBe(true);
      return tables.packages!.map((r) => r.name);
    };
    const damagedBdb = Buffer.alloc(64); // never opened when a newer format is there
    expect(await names({ '/var/lib/rpm/Packages.db': ndb('from-ndb'), '/var/lib/rpm/Packages': damagedBdb }, DB)).toEqual(['from-sqlite']);
    expect(await names({ '/var/lib/rpm/Packages.db': ndb('from-ndb'), '/var/lib/rpm/Packages': damagedBdb })).toEqual(['from-ndb']);
    expect(await names({ '/usr/lib/sysimage/rpm/Packages.db': ndb('sysimage'), '/var/lib/rpm/Packages.db': ndb('var') })).toEqual(['sysimage']);
  });

  it('an empty file at rpmdb.sqlite is an empty database without a Packages table', async () => {
    const root = hostWith({ [DB]: '' });
    writeFileSync(path.join(root, DB), '');
    expect((await collectOnce(rpm, root)).state.lastError).toMatch(/no Packages table/);
  });

  it('reads a database larger than one page of rows', async () => {
    const many = Array.from({ length: 700 }, (_, i) => ({ ...pkg, name: `p${String(i).padStart(4, '0')}` }));
    const { state, tables } = await collectOnce(rpm, rootWithDb(many));
    expect(state.success).toBe(true);
    expect(tables.package_count).toEqual([{ manager: 'rpm', count: 700 }]);
    expect(tables.packages![699]!.name).toBe('p0699');
  });
});
