// Package-file integrity on this host against debsums in the same run: a first pass (no digest
// cached) and a second (every digest cached), with the page cache warm for both tools.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { packageFiles } from '../../dist/collectors/software/package-files.js';
import { liveContext } from './live-context.mjs';


async function pass(memo) {
  const t0 = performance.now();
  const tables = await packageFiles.collect(liveContext(packageFiles, memo, { io_bytes_per_second: 0 }));
  const ms = performance.now() - t0;
  const summary = tables.find((t) => t.name === 'package_integrity_summary').rows.find((r) => r.manager === 'deb');
  return { ms, summary, changes: tables.find((t) => t.name === 'package_file_changes').rows.filter((r) => r.manager === 'deb') };
}

export async function benchPackageFiles() {
  if (spawnSync('sh', ['-c', 'command -v debsums']).status !== 0) return [{ name: 'package_files: debsums is not installed, not measured', value: NaN, unit: '', ok: false }];
  // Warm the page cache for both tools: the comparison is of hashing and bookkeeping, not of the disk.
  await pass(new Map());
  const t0 = performance.now();
  const debsums = spawnSync('debsums', ['-a', '-c'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const debsumsMs = performance.now() - t0;
  const memo = new Map();
  const first = await pass(memo);
  const second = await pass(memo);
  const bytes = first.summary.bytes_read;
  const theirs = new Set(debsums.stdout.split('\n').filter(Boolean));
  const missing = [...debsums.stderr.matchAll(/missing file (\S+)/g)].map((m) => m[1]);
  const oursModified = first.changes.filter((r) => r.kind === 'modified').map((r) => r.path);
  const oursMissing = first.changes.filter((r) => r.kind === 'missing').map((r) => r.path);
  const same = oursModified.length === theirs.size && oursModified.every((p) => theirs.has(p)) && oursMissing.length === missing.length && oursMissing.every((p) => missing.includes(p));
  const ratio = debsumsMs / first.ms;
  return [
    { name: `package_files: ${first.summary.packages} deb packages, ${first.summary.files} files, ${(bytes / 1e9).toFixed(2)} GB`, value: first.ms / 1000, unit: 's' },
    { name: 'debsums -a -c, same host, same run', value: debsumsMs / 1000, unit: 's' },
    { name: 'first pass throughput, MB/s (debsums: ' + (bytes / 1e6 / (debsumsMs / 1000)).toFixed(0) + ')', value: bytes / 1e6 / (first.ms / 1000), unit: 'MB/s' },
    { name: 'first pass throughput against debsums', value: ratio, unit: 'x', target: '>= 0.8x', ok: ratio >= 0.8 },
    { name: 'second pass (digests cached)', value: second.ms / 1000, unit: 's' },
    { name: 'second pass speed-up over the first', value: first.ms / second.ms, unit: 'x', target: '>= 50x', ok: first.ms / second.ms >= 50 },
    { name: `same changed files as debsums (${oursModified.length} modified, ${oursMissing.length} missing)`, value: same ? 'yes' : 'no', unit: '', ok: same },
  ];
}
