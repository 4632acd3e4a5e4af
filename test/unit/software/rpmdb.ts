import { execFileSync } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { bdbLoadInput } from '../../../src/collectors/software/rpm-bdb.js';
import { encodeRpmHeader, rpmPackageTags, type RpmPackage } from '../../../src/collectors/software/rpm.parse.js';

export type FakeRpm = Partial<RpmPackage> & { name: string; version: string; release: string };

/** Writes an rpmdb.sqlite with rpm's Packages(hnum, blob) table; blobs given raw are stored as they are. */
export function writeRpmdb(file: string, packages: (FakeRpm | Buffer)[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = DELETE');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  db.exec('BEGIN');
  for (const p of packages) insert.run(Buffer.isBuffer(p) ? p : encodeRpmHeader(rpmPackageTags(p)));
  db.exec('COMMIT');
  db.exec('VACUUM');
  db.close();
}

/** The packages of the host-a fixture database (a RHEL-like layer on the Debian-like host). */
export const HOST_A_RPMS: FakeRpm[] = [
  { name: 'bash', version: '5.1.8', release: '9.el9', arch: 'x86_64', installTime: 1736935200, sourceRpm: 'bash-5.1.8-9.el9.src.rpm', size: 7738634 },
  { name: 'openssl-libs', version: '3.0.7', release: '27.el9', epoch: 1, arch: 'x86_64', installTime: 1736935260, sourceRpm: 'openssl-3.0.7-27.el9.src.rpm', size: 6439316 },
  { name: 'kernel-core', version: '5.14.0', release: '427.13.1.el9_4', arch: 'x86_64', installTime: 1736935300, sourceRpm: 'kernel-5.14.0-427.13.1.el9_4.src.rpm', size: 66998012 },
  { name: 'kernel-core', version: '5.14.0', release: '503.14.1.el9_5', arch: 'x86_64', installTime: 1739613700, sourceRpm: 'kernel-5.14.0-503.14.1.el9_5.src.rpm', size: 67123456 },
  { name: 'tzdata', version: '2024a', release: '1.el9', arch: 'noarch', installTime: 1736935320, sourceRpm: 'tzdata-2024a-1.el9.src.rpm', size: 1725140 },
  { name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b', installTime: 1736935100 },
];

/**
 * Writes a Berkeley DB hash `Packages` file with Berkeley DB's own loader (db5.3_load),
 * keys in the database's byte order as rpm writes them; record 0 is rpm's header counter.
 */
export function writeBdbPackages(file: string, blobs: Buffer[], opts: { littleEndian: boolean; pageSize: number }): void {
  mkdirSync(path.dirname(file), { recursive: true });
  rmSync(file, { force: true });
  const counter = Buffer.alloc(4);
  if (opts.littleEndian) counter.writeUInt32LE(blobs.length + 1);
  else counter.writeUInt32BE(blobs.length + 1);
  const records = [{ hnum: 0, blob: counter }, ...blobs.map((blob, i) => ({ hnum: i + 1, blob }))];
  execFileSync('db5.3_load', ['-t', 'hash', '-c', `db_lorder=${opts.littleEndian ? 1234 : 4321}`, '-c', `db_pagesize=${opts.pageSize}`, file], {
    input: bdbLoadInput(records, opts.littleEndian),
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Header blobs of simple packages (the sqlite form, which every backend stores). */
export function rpmBlobs(packages: FakeRpm[]): Buffer[] {
  return packages.map((p) => encodeRpmHeader(rpmPackageTags(p)));
}
