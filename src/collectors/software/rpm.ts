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

async function findDatabase(ctx: CollectContext): Promise<{ path: string; format: Format } | null> {
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

async function readDatabase(ctx: CollectContext, db: string, format: Format): Promise<FactTable[]> {
  const rows: PackageRow[] = [];
  const record = format === 'bdb' ? 'Packages record' : format === 'ndb' ? 'package index' : 'Packages hnum';
  const checkAborted = () => {
    if (ctx.signal.aborted) throw new Error('aborted: collector timeout expired');
  };
  const sink: BlobSink = {
    blob(id, blob) {
      checkAborted();
      try {
        rows.push(toRow(parseRpmHeader(blob)));
      } catch (err) {
        ctx.parseError(db, `${record} ${id}: ${(err as Error).message}`);
      }
    },
    bad(id, reason) {
      ctx.parseError(db, `${record} ${id}: ${reason}`);
    },
  };
  if (format === 'sqlite') {
    await forEachRpmBlob(await ctx.fs.realPath(db), db, (hnum, blob) => sink.blob(hnum, blob));
  } else {
    const opts = { maxBlob: ctx.fs.maxFileBytes, checkAborted };
    try {
      await withHostFile(ctx.fs, db, (file) => (format === 'bdb' ? readBdbPackages(file, sink, opts) : readNdbPackages(file, sink, opts)));
    } catch (err) {
      if (err instanceof RpmDbError) throw new Error(`${db}: ${err.message}`);
      throw err;
    }
  }
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
    const db = await findDatabase(ctx);
    if (db === null) return packageResult('rpm', KEY, []);
    // rpm writes rpmdb.sqlite through the WAL: the -wal file changes before the database file does.
    const watched = db.format === 'sqlite' ? [db.path, `${db.path}-wal`] : [db.path];
    return unlessUnchanged(ctx, watched, () => readDatabase(ctx, db.path, db.format));
  },
});
