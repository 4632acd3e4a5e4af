import type { CollectContext, FactTable } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { packageResult, packageTables, unlessUnchanged, type PackageRow } from './common.js';
import { forEachRpmBlob } from './rpmdb.js';
import { parseRpmHeader, rpmEvr } from './rpm.parse.js';

/** Current location first; /usr/lib/sysimage/rpm is where Fedora and openSUSE keep it (often behind a link). */
const DATABASES = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];
/** Older backends this collector does not read: named in the error instead of reporting zero packages. */
const LEGACY = ['/var/lib/rpm/Packages', '/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/Packages.db'];
/** The version is part of the key: installonly packages (kernels) and gpg-pubkey appear once per version. */
const KEY = ['manager', 'name', 'arch', 'version'];

async function findDatabase(ctx: CollectContext): Promise<string | null> {
  for (const candidate of DATABASES) {
    const st = await ctx.fs.statIfExists(candidate);
    if (!st) continue;
    if (!st.isFile()) throw new Error(`${candidate}: not a regular file`);
    return candidate;
  }
  for (const legacy of LEGACY) {
    if (await ctx.fs.statIfExists(legacy)) throw new Error(`${legacy}: Berkeley DB / ndb rpm databases are not supported (only rpmdb.sqlite)`);
  }
  return null;
}

async function readDatabase(ctx: CollectContext, db: string): Promise<FactTable[]> {
  const rows: PackageRow[] = [];
  await forEachRpmBlob(await ctx.fs.realPath(db), db, (hnum, blob) => {
    if (ctx.signal.aborted) throw new Error('aborted: collector timeout expired');
    let p;
    try {
      p = parseRpmHeader(blob);
    } catch (err) {
      ctx.parseError(db, `Packages hnum ${hnum}: ${(err as Error).message}`);
      return;
    }
    rows.push({
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
    });
  });
  return packageResult('rpm', KEY, rows);
}

export const rpm = defineCollector({
  name: 'rpm',
  area: 'software',
  description: 'Installed rpm packages, parsed from the header blobs of the SQLite rpm database (rpmdb.sqlite).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 60 * SECOND,
  tables: packageTables('rpm', KEY, 'version is [epoch:]version-release; gpg-pubkey keys are listed like `rpm -qa` does (pseudo=true)'),
  async collect(ctx) {
    const db = await findDatabase(ctx);
    if (db === null) return packageResult('rpm', KEY, []);
    // rpm writes through the WAL: the -wal file changes before the database file does.
    return unlessUnchanged(ctx, [db, `${db}-wal`], () => readDatabase(ctx, db));
  },
});
