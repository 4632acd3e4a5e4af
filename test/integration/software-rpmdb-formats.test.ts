import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNdb } from '../../src/collectors/software/rpm-ndb.js';
import { rpm } from '../../src/collectors/software/rpm.js';
import { collectOnce, REPO, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';
import { writeBdbPackages } from '../unit/software/rpmdb.js';

/**
 * Every rpm database format against rpm itself: packages built with rpmbuild, installed
 * into a scratch rpmdb.sqlite by rpm, their header blobs loaded into Berkeley DB hash
 * files by Berkeley DB's own db5.3_load (both byte orders, three page sizes) and read
 * back by `rpm --define '_db_backend bdb_ro'`; ndb from a real SUSE database.
 */

const QF = '%{NAME} %|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE} %{ARCH}\\n';
const sorted = (lines: Iterable<string>) => [...lines].filter(Boolean).sort();

/** shared/ lies beside the repository clone (CI), or beside the folder of work trees. */
function sharedTestdata(...parts: string[]): string | null {
  for (const base of [path.join(REPO, '..', 'shared'), path.join(REPO, '..', '..', 'shared')]) {
    const p = path.join(base, 'testdata', ...parts);
    if (existsSync(p)) return p;
  }
  return null;
}

function spec(p: { name: string; version: string; release: string; epoch?: number; files: number; noarch: boolean }): string {
  // Long descriptions and many long file names make headers of 100 KB and more: overflow chains at every page size.
  const description = Array.from({ length: p.files ? 200 : 2 }, (_, i) => `Line ${i} of a long description of ${p.name}, written for the test.`);
  return [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []),
    'Summary: hostbaseline rpm database format test package',
    'License: MIT',
    ...(p.noarch ? ['BuildArch: noarch'] : []),
    '%description',
    ...description,
    '%install',
    `mkdir -p %{buildroot}/usr/share/${p.name}`,
    `for i in $(seq 1 ${p.files}); do echo $i > %{buildroot}/usr/share/${p.name}/a-rather-long-file-name-to-grow-the-header-$i.txt; done`,
    '%files',
    ...(p.files ? [`/usr/share/${p.name}`] : []),
    '',
  ].join('\n');
}

const tools = ['rpm', 'rpmbuild', 'db5.3_load'].every((t) => hasProgram(t));

describe.skipIf(!tools)('rpm collector on Berkeley DB Packages written by Berkeley DB', () => {
  const work = tempDir('hb-rpm-formats-');
  let blobs: Buffer[] = [];
  let expected: string[] = [];

  beforeAll(() => {
    const top = path.join(work, 'build');
    mkdirSync(path.join(top, 'SPECS'), { recursive: true });
    const packages = [
      { name: 'hb-tiny', version: '1.0', release: '1.el7', files: 0, noarch: true },
      { name: 'hb-epoch', version: '2.4.1', release: '3.el8_9', epoch: 7, files: 3, noarch: true },
      { name: 'hb-big', version: '10.2', release: '0.1.rc1.amzn2', files: 800, noarch: true },
      { name: 'hb-arch', version: '0.5', release: '12', files: 40, noarch: false },
      { name: 'hb-medium', version: '2024.01', release: '5', epoch: 0, files: 120, noarch: true },
    ];
    for (const p of packages) {
      const file = path.join(top, 'SPECS', `${p.name}.spec`);
      writeFileSync(file, spec(p));
      execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', file], { stdio: 'pipe' });
    }
    const rpms = readdirSync(path.join(top, 'RPMS'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.rpm'))
      .map((f) => path.join(top, 'RPMS', f));
    expect(rpms).toHaveLength(packages.length);
    const scratch = path.join(work, 'scratch');
    const db = ['--dbpath', scratch, '--define', '_db_backend sqlite'];
    execFileSync('rpm', [...db, '-i', '--nodeps', '--justdb', ...rpms], { stdio: 'pipe' });
    expected = sorted(execFileSync('rpm', [...db, '-qa', '--qf', QF], { encoding: 'utf8' }).split('\n'));
    const sqlite = new DatabaseSync(path.join(scratch, 'rpmdb.sqlite'), { readOnly: true });
    blobs = (sqlite.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as { blob: Uint8Array }[]).map((r) => Buffer.from(r.blob));
    sqlite.close();
    expect(Math.max(...blobs.map((b) => b.length))).toBeGreaterThan(65536); // longer than the largest page
    expect(Math.min(...blobs.map((b) => b.length))).toBeLessThan(4096); // stays on a 64 KiB hash page
  }, 120_000);

  for (const littleEndian of [true, false]) {
    for (const pageSize of [512, 4096, 65536]) {
      it(`equals rpm -qa (bdb_ro) with ${littleEndian ? 'little' : 'big'}-endian ${pageSize}-byte pages`, { timeout: 60_000 }, async () => {
        const root = path.join(work, `bdb-${littleEndian ? 'le' : 'be'}-${pageSize}`);
        const file = path.join(root, 'var/lib/rpm/Packages');
        writeBdbPackages(file, blobs, { littleEndian, pageSize });
        const bdbRpm = execFileSync('rpm', ['--dbpath', path.dirname(file), '--define', '_db_backend bdb_ro', '-qa', '--qf', QF], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'], // rpm warns about the index files this test does not build
        });
        expect(sorted(bdbRpm.split('\n'))).toEqual(expected);

        const { state, tables } = await collectOnce(rpm, root);
        expect(state.success, state.lastError ?? '').toBe(true);
        expect(state.parseErrorsTotal).toBe(0);
        expect(sorted(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`))).toEqual(expected);
      });
    }
  }

  it('equals rpm -qa on an ndb Packages.db holding the same headers', async () => {
    const root = path.join(work, 'ndb');
    mkdirSync(path.join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/sysimage/rpm/Packages.db'), encodeNdb(blobs.map((blob, i) => ({ pkgidx: i + 1, blob }))));
    const { state, tables } = await collectOnce(rpm, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(sorted(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`))).toEqual(expected);
  });
});

describe('rpm collector on a real SUSE Linux Enterprise 15 ndb database', () => {
  const dir = sharedTestdata('rpmdb', 'sle15-ndb');

  it.skipIf(!dir && process.env.CI !== 'true')('equals its rpm -qa list', async () => {
    expect(dir, 'shared/testdata/rpmdb/sle15-ndb must lie beside the repository').not.toBeNull();
    const root = tempDir('hb-rpm-sle15-');
    mkdirSync(path.join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/sysimage/rpm/Packages.db'), readFileSync(path.join(dir!, 'Packages.db')));
    const expected = sorted(readFileSync(path.join(dir!, 'packages.txt'), 'utf8').split('\n'));
    expect(expected.length).toBeGreaterThan(30);

    const { state, tables } = await collectOnce(rpm, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(0);
    // The list leaves gpg-pubkey entries out, as its README says.
    const got = tables.packages!.filter((r) => !r.pseudo).map((r) => `${r.name} ${r.version} ${r.arch}`);
    expect(sorted(got)).toEqual(expected);
    expect(tables.packages!.find((r) => r.name === 'glibc')).toMatchObject({ source_rpm: 'glibc-2.31-9.3.2.src.rpm', epoch: null });
  });
});
