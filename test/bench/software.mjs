// Benchmark of the package collectors: a synthetic 5,000-package dpkg status file
// and 2,000 rpm packages (header blobs encoded here, with file lists so they have a
// realistic size) in each rpm database format: rpmdb.sqlite, an ndb Packages.db written
// here in rpm's layout, and a Berkeley DB Packages made by Berkeley DB's db5.3_load.
// Each is collected several times; the median counts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { deb } from '../../dist/collectors/software/deb.js';
import { rpm } from '../../dist/collectors/software/rpm.js';
import { encodeRpmHeader, rpmPackageTags } from '../../dist/collectors/software/rpm.parse.js';
import { bdbLoadInput } from '../../dist/collectors/software/rpm-bdb.js';
import { encodeNdb } from '../../dist/collectors/software/rpm-ndb.js';
import { HostFs } from '../../dist/host/hostfs.js';
import { createCommandRunner } from '../../dist/host/commands.js';
import { loadCatalog } from '../../dist/metrics/catalog.js';
import { renderTables } from '../../dist/metrics/exposition.js';
import { silentLogger } from '../../dist/util/logger.js';
import { DEFAULT_LIMITS } from '../../dist/collectors/types.js';

const DEB_PACKAGES = 5000;
const RPM_PACKAGES = 2000;
const RUNS = 7;
const RPMTAG_BASENAMES = 1117;

function context(spec, root) {
  const options = Object.fromEntries((spec.options ?? []).map((o) => [o.name, o.default]));
  let parseErrors = 0;
  return {
    ctx: {
      fs: new HostFs({ rootfs: root }),
      clock: { now: () => Date.now() },
      log: silentLogger,
      options,
      signal: new AbortController().signal,
      commands: createCommandRunner(),
      memo: new Map(),
      parseError() {
        parseErrors++;
      },
      limits: DEFAULT_LIMITS,
      capped() {},
    },
    errors: () => parseErrors,
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timeCollector(spec, root, expectCount) {
  const times = [];
  let tables;
  for (let i = 0; i < RUNS; i++) {
    const { ctx, errors } = context(spec, root);
    const t0 = performance.now();
    tables = await spec.collect(ctx);
    times.push(performance.now() - t0);
    const count = tables.find((t) => t.name === 'package_count').rows[0].count;
    if (count !== expectCount || errors() !== 0) throw new Error(`${spec.name}: ${count} packages, ${errors()} parse errors (expected ${expectCount}, 0)`);
  }
  return { ms: median(times), tables };
}

/** A status file shaped like Debian's: every stanza with dependencies, conffiles and a long description. */
function dpkgStatus(n) {
  let out = '';
  for (let i = 0; i < n; i++) {
    const name = `pkg-${i.toString(36)}-lib${i % 7}`;
    const state = i % 50 === 0 ? 'deinstall ok config-files' : 'install ok installed';
    out +=
      `Package: ${name}\nStatus: ${state}\nPriority: optional\nSection: libs\nInstalled-Size: ${100 + i}\n` +
      `Maintainer: Debian Maintainers <maint${i % 97}@lists.debian.org>\nArchitecture: ${i % 3 ? 'amd64' : 'all'}\nMulti-Arch: same\n` +
      (i % 4 ? `Source: src-${Math.floor(i / 4)} (1.${i % 10}.${i % 3}-1)\n` : '') +
      `Version: 1.${i % 10}.${i % 3}-1+b${i % 5}\nDepends: libc6 (>= 2.34), libgcc-s1 (>= 3.0), zlib1g (>= 1:1.2.0)\n` +
      `Conffiles:\n /etc/${name}/${name}.conf 0123456789abcdef0123456789abcdef\n` +
      `Description: synthetic package number ${i}\n` +
      ' This package exists only for the benchmark. Its description is as long\n'.repeat(8) +
      ' .\n Homepage text and more lines follow, as in real status files.\n\n';
  }
  return out;
}

function rpmBlobs(n) {
  const blobs = [];
  for (let i = 0; i < n; i++) {
    const name = `rpm-pkg-${i}`;
    const tags = rpmPackageTags({
      name,
      version: `${1 + (i % 9)}.${i % 13}.${i % 5}`,
      release: `${1 + (i % 4)}.el9`,
      epoch: i % 10 === 0 ? 1 : undefined,
      arch: i % 5 ? 'x86_64' : 'noarch',
      installTime: 1_700_000_000 + i,
      sourceRpm: `${name}-src.src.rpm`,
      size: 10_000 + i,
    });
    tags.push({ tag: RPMTAG_BASENAMES, strings: Array.from({ length: 60 }, (_, j) => `file-${j}-of-${name}.so.${j}`) });
    blobs.push(encodeRpmHeader(tags));
  }
  return blobs;
}

function rpmdb(file, blobs) {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL'); // what rpm itself uses
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  db.exec('BEGIN');
  for (const blob of blobs) insert.run(blob);
  db.exec('COMMIT');
  db.close();
}

function ndb(file, blobs) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodeNdb(blobs.map((blob, i) => ({ pkgidx: i + 1, blob }))));
}

/** A Berkeley DB hash file as RHEL 7/8 have it (4 KiB pages, little-endian), or null without db5.3_load. */
function bdb(file, blobs) {
  mkdirSync(path.dirname(file), { recursive: true });
  const input = bdbLoadInput(blobs.map((blob, i) => ({ hnum: i + 1, blob })), true);
  try {
    execFileSync('db5.3_load', ['-t', 'hash', '-c', 'db_lorder=1234', '-c', 'db_pagesize=4096', file], { input, stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
    return true;
  } catch (err) {
    if (err.code === 'ENOENT') return false;
    throw err;
  }
}

function renderMs(spec, tables) {
  const families = loadCatalog().families.filter((f) => f.collector === spec.name);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    renderTables(families, tables, undefined);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchSoftware() {
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-software-'));
  try {
    const status = dpkgStatus(DEB_PACKAGES);
    mkdirSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(path.join(root, 'var/lib/dpkg/status'), status);
    const installed = DEB_PACKAGES - Math.ceil(DEB_PACKAGES / 50);
    const debRun = await timeCollector(deb, root, installed);

    const blobs = rpmBlobs(RPM_PACKAGES);
    const rpmRoot = (format) => {
      const dir = path.join(root, `rpm-${format}`);
      mkdirSync(dir);
      return dir;
    };
    const sqliteRoot = rpmRoot('sqlite');
    rpmdb(path.join(sqliteRoot, 'var/lib/rpm/rpmdb.sqlite'), blobs);
    const sqliteRun = await timeCollector(rpm, sqliteRoot, RPM_PACKAGES);
    const ndbRoot = rpmRoot('ndb');
    ndb(path.join(ndbRoot, 'usr/lib/sysimage/rpm/Packages.db'), blobs);
    const ndbRun = await timeCollector(rpm, ndbRoot, RPM_PACKAGES);
    const bdbRoot = rpmRoot('bdb');
    const bdbRun = bdb(path.join(bdbRoot, 'var/lib/rpm/Packages'), blobs) ? await timeCollector(rpm, bdbRoot, RPM_PACKAGES) : null;
    const rpmResult = (format, run) =>
      run
        ? { name: `rpm: collect ${RPM_PACKAGES} packages from ${format}, median`, value: run.ms, unit: 'ms', target: '< 1000 ms', ok: run.ms < 1000 }
        : { name: `rpm: ${format} not measured (db5.3_load is not installed)`, value: NaN, unit: 'ms', target: '< 1000 ms', ok: false };

    return [
      { name: `deb: collect ${DEB_PACKAGES} packages (${(status.length / 1e6).toFixed(1)} MB status file), median`, value: debRun.ms, unit: 'ms', target: '< 200 ms', ok: debRun.ms < 200 },
      { name: `deb: render ${installed} package_info series`, value: renderMs(deb, debRun.tables), unit: 'ms', target: '', ok: undefined },
      rpmResult('rpmdb.sqlite', sqliteRun),
      rpmResult('ndb Packages.db', ndbRun),
      rpmResult('Berkeley DB Packages (4 KiB pages)', bdbRun),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// Run on its own: node test/bench/software.mjs (after npm run build).
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchSoftware()) console.log(`${r.name.padEnd(64)} ${r.value.toFixed(1).padStart(8)} ${r.unit} ${r.target}${r.ok === undefined ? '' : r.ok ? ' PASS' : ' MISS'}`);
}
