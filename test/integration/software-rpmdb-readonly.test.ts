import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { rpm } from '../../src/collectors/software/rpm.js';
import { encodeRpmHeader, rpmPackageTags } from '../../src/collectors/software/rpm.parse.js';
import { collectOnce, tempDir } from '../helpers.js';

/**
 * rpm keeps rpmdb.sqlite in WAL mode; on a read-only host mount SQLite cannot create the
 * -shm file and refuses even a read-only open. The collector then reads a private copy.
 * Needs a read-only bind mount (root with CAP_SYS_ADMIN): skipped where mounting is not allowed.
 */
const work = tempDir('hb-rpm-ro-');
const src = path.join(work, 'src');
const ro = path.join(work, 'ro');
let mounted = false;
try {
  mkdirSync(path.join(src, 'var/lib/rpm'), { recursive: true });
  mkdirSync(ro);
  const db = new DatabaseSync(path.join(src, 'var/lib/rpm/rpmdb.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  db.prepare('INSERT INTO Packages (blob) VALUES (?)').run(encodeRpmHeader(rpmPackageTags({ name: 'zlib', version: '1.3', release: '1', arch: 'x86_64' })));
  db.close();
  execFileSync('mount', ['--bind', src, ro], { stdio: 'ignore' });
  mounted = true;
  execFileSync('mount', ['-o', 'remount,bind,ro', ro], { stdio: 'ignore' });
} catch {
  // no mount privilege here
}

afterAll(() => {
  if (mounted) execFileSync('umount', [ro]);
});

describe.skipIf(!mounted)('rpm collector on a read-only host mount', () => {
  it('reads a WAL rpmdb.sqlite that SQLite cannot open in place', async () => {
    expect(() => new DatabaseSync(path.join(ro, 'var/lib/rpm/rpmdb.sqlite'), { readOnly: true }).prepare('SELECT 1 FROM Packages').get()).toThrow();
    const { state, tables } = await collectOnce(rpm, ro);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`)).toEqual(['zlib 1.3-1 x86_64']);
  });
});
