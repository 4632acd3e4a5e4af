import type { CollectContext, FactTable } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { packageResult, packageTables, unlessUnchanged, type PackageRow } from './common.js';
import { readBdbPackages } from './rpm-bdb.js';
import { RpmDbError, withHostFile, type BlobSink } from './rpm-file.js';
import { readNdbPackages } from './rpm-ndb.js';
import { forEachRpmBlob } from './rpmdb.js';
import { parseRpmHeader, rpmEvr, type RpmPackage } from './rpm.parse.js';

/**
 * Where rpm keeps its database, newest backend first as rpm's own detection does
 * (sqlite, then ndb, then Berkeley DB); /usr/lib/sysimage/rpm (Fedora 36+, SUSE) before
 * /var/lib/rpm, which is often a link to it.
 */
const DIRS = ['/usr/lib/sysimage/rpm', '/var/lib/rpm'];
const FORMATS = [
  { file: 'rpmdb.sqlite', format: 'sqlite' },
  { file: 'Packages.db', format: 'ndb' },
  { file: 'Packages', format: 'bdb' },
] as const;
type Format = (typeof FORMATS)[number]['format'];
/** The version is part of the key: installonly packages (kernels) and gpg-pubkey appear once per version. */
const KEY = ['manager', 'name', 'arch', 'version'];

export interface RpmDatabase {
  path: string;
  format: Format;
}

/** The host's rpm database, or null on a host without one. */
export async function findRpmDatabase(ctx: CollectContext): Promise<RpmDatabase | null> {
  for (const { file, format } of FORMATS) {
    for (const dir of DIRS) {
      const candidate = `${dir}/${file}`;
      const st = await ctx.fs.statIfExists(candidate);
      if (!st) continue;
      if (!st.isFile()) throw new Error(`${candidate}: not a regular file`);
      return { path: candidate, format };
    }
  }
  return null;
}

function toRow(p: RpmPackage): PackageRow {
  return {
    manager: 'rpm',
    name: p.name,
    version: rpmEvr(p),
    arch: p.arch,
    location: '',
    epoch: p.epoch,
    upstream_version: p.version,
    release: p.release,
    install_time: p.installTime,
    source_rpm: p.sourceRpm,
    size_bytes: p.size,
    // gpg-pubkey "packages" are imported signing keys, not software.
    pseudo: p.name === 'gpg-pubkey',
  };
}

/**
 * Hands every package header of the database to `each`, whatever the format. A header `each`
 * cannot parse, or a damaged record, is a parse error of that record; the rest are read.
 */
export async function forEachRpmHeader(ctx: CollectContext, db: RpmDatabase, each: (blob: Buffer) => void): Promise<void> {
  const record = db.format === 'bdb' ? 'Packages record' : db.format === 'ndb' ? 'package index' : 'Packages hnum';
  const checkAborted = () => {
    if (ctx.signal.aborted) throw new Error('aborted: collector timeout expired');
  };
  const sink: BlobSink = {
    blob(id, blob) {
      checkAborted();
      try {
        each(blob);
      } catch (err) {
        ctx.parseError(db.path, `${record} ${id}: ${(err as Error).message}`);
      }
    },
    bad(id, reason) {
      ctx.parseError(db.path, `${record} ${id}: ${reason}`);
    },
  };
  if (db.format === 'sqlite') {
    await forEachRpmBlob(await ctx.fs.realPath(db.path), db.path, (hnum, blob) => sink.blob(hnum, blob));
  } else {
    const opts = { maxBlob: ctx.fs.maxFileBytes, checkAborted };
    try {
      await withHostFile(ctx.fs, db.path, (file) => (db.format === 'bdb' ? readBdbPackages(file, sink, opts) : readNdbPackages(file, sink, opts)));
    } catch (err) {
      if (err instanceof RpmDbError) throw new Error(`${db.path}: ${err.message}`);
      throw err;
    }
  }
}

async function readDatabase(ctx: CollectContext, db: RpmDatabase): Promise<FactTable[]> {
  const rows: PackageRow[] = [];
  await forEachRpmHeader(ctx, db, (blob) => rows.push(toRow(parseRpmHeader(blob))));
  return packageResult('rpm', KEY, rows);
}

export const rpm = defineCollector({
  name: 'rpm',
  area: 'software',
  description: 'Installed rpm packages, parsed from the header blobs of the rpm database: rpmdb.sqlite, ndb Packages.db or Berkeley DB Packages.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 60 * SECOND,
  tables: packageTables('rpm', KEY, 'version is [epoch:]version-release; gpg-pubkey keys are listed like `rpm -qa` does (pseudo=true)'),
  async collect(ctx) {
    const db = await findRpmDatabase(ctx);
    if (db === null) return packageResult('rpm', KEY, []);
    // rpm writes rpmdb.sqlite through the WAL: the -wal file changes before the database file does.
    const watched = db.format === 'sqlite' ? [db.path, `${db.path}-wal`] : [db.path];
    return unlessUnchanged(ctx, watched, () => readDatabase(ctx, db));
  },
});
