import { posix } from 'node:path';
import type { Stats } from 'node:fs';
import { HostFsError, isNotFound } from '../../host/hostfs.js';
import { mapLimit } from '../../util/concurrency.js';
import { BufferPool, hashFile, HASH_ALGORITHMS, type HashAlgorithm } from '../../host/hash-file.js';
import type { CollectContext, FactRow, FactTable } from '../types.js';
import { defineCollector, MINUTE } from '../types.js';
import { parseApkFiles, parseDiversions, parseDpkgConffiles, parseMd5sums, parseRpmFiles, type PackagedFile } from './package-files.parse.js';
import { findRpmDatabase, forEachRpmHeader } from './rpm.js';
import { VerifiedFiles } from './verified-files.js';

/*
 * Package-file integrity, as debsums and `rpm -V` check it by hand: every file a package
 * installed is compared with the digest (and, where the manager keeps them, mode and size) it
 * was installed with. Matches are remembered by (path, device, inode, size, mtime, ctime), so a pass
 * after the first only stats; a byte budget keeps the first pass from hurting the host.
 */

const DPKG_STATUS = '/var/lib/dpkg/status';
const DPKG_INFO = '/var/lib/dpkg/info';
const DPKG_DIVERSIONS = '/var/lib/dpkg/diversions';
const APK_INSTALLED = '/lib/apk/db/installed';
const CACHE = 'verified_files';
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export type ChangeKind = 'modified' | 'missing' | 'mode_changed';

export interface Claim extends PackagedFile {
  manager: string;
  package: string;
}

interface ManagerClaims {
  manager: string;
  packages: number;
  /** Installed packages whose file digests are not recorded (no md5sums file). */
  withoutDigests: number;
}

/**
 * Receives the claims of one package at a time: checking them as they are read keeps only one
 * package's list in memory, not the whole host's (about 100,000 files on a desktop-sized host).
 */
type ClaimSink = (claims: Claim[]) => Promise<void>;

async function debClaims(ctx: CollectContext, sink: ClaimSink): Promise<ManagerClaims | null> {
  const status = await ctx.fs.readTextIfExists(DPKG_STATUS);
  if (status === null) return null;
  const installed = parseDpkgConffiles(status);
  const diversions = parseDiversions((await ctx.fs.readTextIfExists(DPKG_DIVERSIONS)) ?? '');
  const divertedTo = new Map(diversions.map((d) => [d.from, d]));
  let withoutDigests = 0;
  for (const p of installed) {
    ctx.signal.throwIfAborted();
    const names = p.multiArchSame ? [`${p.name}:${p.arch}`, p.name] : [p.name, `${p.name}:${p.arch}`];
    let text: string | null = null;
    let file = '';
    for (const n of names) {
      file = `${DPKG_INFO}/${n}.md5sums`;
      text = await ctx.fs.readTextIfExists(file);
      if (text !== null) break;
    }
    const conffiles = new Set(p.conffiles.map((c) => c.path));
    const files = text === null ? [] : parseMd5sums(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`));
    if (text === null && p.conffiles.length === 0) withoutDigests++;
    // A conffile listed in md5sums too (old packages) is checked once, as a conffile.
    const claims: Claim[] = [];
    for (const f of [...files.filter((f) => !conffiles.has(f.path)), ...p.conffiles]) {
      // A file diverted by another package is installed under the diverted name (as debsums reads it).
      const d = divertedTo.get(f.path);
      const diverted = d && d.by !== p.name ? d : undefined;
      claims.push({ ...f, path: diverted ? diverted.to : f.path, manager: 'deb', package: p.name });
    }
    await sink(claims);
  }
  return { manager: 'deb', packages: installed.length, withoutDigests };
}

async function apkClaims(ctx: CollectContext, sink: ClaimSink): Promise<ManagerClaims | null> {
  const text = await ctx.fs.readTextIfExists(APK_INSTALLED);
  if (text === null) return null;
  const pkgs = parseApkFiles(text, (line, reason) => ctx.parseError(APK_INSTALLED, `line ${line}: ${reason}`));
  for (const p of pkgs) await sink(p.files.map((f) => ({ ...f, manager: 'apk', package: p.name })));
  return { manager: 'apk', packages: pkgs.length, withoutDigests: pkgs.filter((p) => p.files.every((f) => f.digest === '')).length };
}

async function rpmClaims(ctx: CollectContext, sink: ClaimSink): Promise<ManagerClaims | null> {
  const db = await findRpmDatabase(ctx);
  if (db === null) return null;
  const claims: Claim[] = [];
  let packages = 0;
  let withoutDigests = 0;
  await forEachRpmHeader(ctx, db, (blob) => {
    const list = parseRpmFiles(blob);
    // gpg-pubkey entries are imported keys, not packages with files.
    if (list.name === 'gpg-pubkey') return;
    packages++;
    if (list.files.length > 0 && list.files.every((f) => f.digest === '')) withoutDigests++;
    for (const f of list.files) claims.push({ ...f, manager: 'rpm', package: list.name });
  });
  // Headers are read synchronously from the database: the files are checked once it is closed.
  await sink(claims);
  return { manager: 'rpm', packages, withoutDigests };
}

/** Executables and libraries: a change to one of these is what an attacker's implant looks like. */
export function isBinaryPath(path: string, mode: number | null): boolean {
  if (mode !== null && (mode & 0o111) !== 0) return true;
  return /\/(s?bin|libexec)\//.test(path) || /\.so(\.[0-9.]+)?$/.test(path) || /^\/(usr\/)?lib(32|64|x32)?\/modules\//.test(path);
}

function excluded(path: string, prefixes: string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

interface Outcome {
  claim: Claim;
  kinds: ChangeKind[];
  mode: number | null;
  /** The file could not be checked (permission, I/O): reported as a parse error, not a change. */
  unreadable: boolean;
}

/** Spreads the bytes read over time: after each file, sleep until the budget allows what was read. */
class ByteBudget {
  private read = 0;
  private readonly start = performance.now();
  constructor(private readonly bytesPerSecond: number) {}
  get bytes(): number {
    return this.read;
  }
  async spend(bytes: number, signal: AbortSignal): Promise<void> {
    this.read += bytes;
    if (this.bytesPerSecond <= 0) return;
    const ahead = (this.read / this.bytesPerSecond) * 1000 - (performance.now() - this.start);
    if (ahead > 5) await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ahead);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}

export const packageFiles = defineCollector({
  name: 'package_files',
  area: 'software',
  description:
    'Package-file integrity: the files of every deb, rpm and apk package checked against the digests, sizes and modes recorded at install time, like debsums and rpm -V; changed config files reported apart. Digests are cached by (dev, inode, size, mtime, ctime).',
  // Opt-in (--collector.package_files): its first pass reads every packaged file (gigabytes on a
  // server) and holds back readiness until it is done.
  defaultEnabled: false,
  interval: 60 * MINUTE,
  timeout: 30 * MINUTE,
  tables: [
    {
      name: 'package_file_changes',
      key: ['manager', 'package', 'path', 'kind'],
      description: 'One row per package file that is modified, missing or has another mode than installed.',
      drift: true,
    },
    { name: 'package_file_change_counts', key: ['manager', 'package', 'kind'], description: 'Changed files per package and kind (config_modified for conffiles).' },
    {
      name: 'package_integrity_summary',
      key: ['manager'],
      description: 'Totals per package manager of the last pass.',
      volatile: ['bytes_read', 'cache_hits'],
    },
  ],
  options: [
    { name: 'io_bytes_per_second', type: 'int', default: 32 * 1024 * 1024, help: 'Bytes read per second at most while hashing (0: no limit). Only a first pass or changed files read at all.' },
    { name: 'exclude', type: 'strings', default: [], help: 'Path prefixes not verified (e.g. /usr/share/doc).' },
    { name: 'concurrency', type: 'int', default: 2, help: 'Files hashed at once.' },
  ],
  async collect(ctx) {
    const exclude = ctx.options.exclude as string[];
    const budget = new ByteBudget(ctx.options.io_bytes_per_second as number);
    let verified = ctx.memo.get(CACHE) as VerifiedFiles | undefined;
    if (!verified) ctx.memo.set(CACHE, (verified = new VerifiedFiles()));
    verified.abandonPass();
    const buffers = new BufferPool();
    let cacheHits = 0;

    // The fingerprint covers the host path and the lstat of that very entry (device, inode,
    // size, mtime, ctime), so a remembered match is never taken for another file or content.
    const digestOf = async (claim: Claim, st: Stats, algorithm: HashAlgorithm): Promise<string | null> => {
      const fp = verified.fingerprint(claim.path, st, algorithm, claim.digest);
      if (verified.has(fp)) {
        cacheHits++;
        verified.add(fp);
        return claim.digest;
      }
      let real: string;
      try {
        real = await ctx.fs.realPath(claim.path);
      } catch {
        return null;
      }
      const r = await hashFile(real, st, { algorithms: [algorithm], buffers, signal: ctx.signal });
      if (r.kind !== 'hashed') return null;
      await budget.spend(r.bytes, ctx.signal);
      const digest = r.hashes[algorithm]!;
      if (digest === claim.digest) verified.add(fp);
      return digest;
    };

    // `entry` is the lstat of the entry itself, as rpm -V looks at it (links in parent directories resolved inside the root).
    const verify = async (claim: Claim, entry: Stats | HostFsError): Promise<Outcome> => {
      const out: Outcome = { claim, kinds: [], mode: null, unreadable: false };
      if (entry instanceof HostFsError) {
        if (isNotFound(entry)) out.kinds.push('missing');
        else {
          out.unreadable = true;
          ctx.parseError(claim.path, entry.message);
        }
        return out;
      }
      const st = entry;
      out.mode = st.mode;
      // rpm records the file type with the mode; dpkg and apk install regular files here.
      const installedType = claim.mode !== null && claim.mode & S_IFMT ? claim.mode & S_IFMT : S_IFREG;
      if ((st.mode & S_IFMT) !== installedType) {
        out.kinds.push('modified'); // replaced by a link, directory, device or socket
        return out;
      }
      if (claim.mode !== null && (st.mode & 0o7777) !== (claim.mode & 0o7777)) out.kinds.push('mode_changed');
      if (installedType !== S_IFREG) return out;
      if (claim.size !== null && st.size !== claim.size) {
        out.kinds.push('modified');
        return out;
      }
      if (claim.digest === '' || !(HASH_ALGORITHMS as readonly string[]).includes(claim.algorithm)) return out;
      const digest = await digestOf(claim, st, claim.algorithm as HashAlgorithm);
      if (digest === null) {
        out.unreadable = true;
        ctx.parseError(claim.path, 'could not be read to verify it');
      } else if (digest !== claim.digest) out.kinds.push('modified');
      return out;
    };

    const concurrency = Math.max(1, ctx.options.concurrency as number);
    // One directory at a time: its links are resolved once for all of its files.
    const verifyByDirectory = async (claims: Claim[]): Promise<Outcome[]> => {
      const byDir = new Map<string, Claim[]>();
      for (const c of claims) {
        const dir = posix.dirname(c.path);
        const list = byDir.get(dir);
        if (list) list.push(c);
        else byDir.set(dir, [c]);
      }
      const perDir = await mapLimit(
        [...byDir],
        concurrency,
        async ([dir, list]) => {
          const stats = await ctx.fs.lstatEntries(dir, list.map((c) => posix.basename(c.path)));
          const done: Outcome[] = [];
          for (let i = 0; i < list.length; i++) done.push(await verify(list[i]!, stats[i]!));
          return done;
        },
        ctx.signal,
      );
      return perDir.flat();
    };

    const changes: FactRow[] = [];
    const counts = new Map<string, FactRow>();
    const summaries: FactRow[] = [];
    const sources = [debClaims, rpmClaims, apkClaims];
    for (const source of sources) {
      const [bytesBefore, hitsBefore] = [budget.bytes, cacheHits];
      const total = { modified: 0, missing: 0, mode_changed: 0, config_modified: 0, unreadable: 0 };
      let checked = 0;
      let skipped = 0;
      const m = await source(ctx, async (all) => {
        const claims = all.filter((c) => !excluded(c.path, exclude));
        checked += claims.length;
        skipped += all.length - claims.length;
        for (const o of await verifyByDirectory(claims)) {
          if (o.unreadable) total.unreadable++;
          for (const kind of o.kinds) {
            const c = o.claim;
            changes.push({ manager: c.manager, package: c.package, path: c.path, kind, config: c.config, binary: isBinaryPath(c.path, o.mode) });
            const countKind = kind === 'modified' && c.config ? 'config_modified' : kind;
            total[countKind]++;
            const key = `${c.manager}\u0000${c.package}\u0000${countKind}`;
            const row = counts.get(key) ?? { manager: c.manager, package: c.package, kind: countKind, files: 0 };
            row.files = (row.files as number) + 1;
            counts.set(key, row);
          }
        }
      });
      if (m === null) continue;
      summaries.push({
        manager: m.manager,
        packages: m.packages,
        packages_without_digests: m.withoutDigests,
        files: checked,
        excluded: skipped,
        ...total,
        bytes_read: budget.bytes - bytesBefore,
        cache_hits: cacheHits - hitsBefore,
      });
    }
    verified.endPass();
    const tables: FactTable[] = [
      { name: 'package_file_changes', rows: changes },
      { name: 'package_file_change_counts', rows: [...counts.values()] },
      { name: 'package_integrity_summary', rows: summaries },
    ];
    return tables;
  },
});
