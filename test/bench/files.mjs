// Hashing benchmark: the file_hashes collector (built code) against sha256sum on the same 1 GB tree.
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fileHashes } from '../../dist/collectors/files/file-hashes.js';
import { HostFs } from '../../dist/host/hostfs.js';
import { DEFAULT_LIMITS } from '../../dist/collectors/types.js';

const run = promisify(execFile);
const FILES = 64;
const FILE_BYTES = 16 * 1024 * 1024;

function context(root, memo) {
  const options = Object.fromEntries(fileHashes.options.map((o) => [o.name, o.default]));
  options.paths = ['/tree'];
  return {
    fs: new HostFs({ rootfs: root }),
    clock: { now: () => Date.now() },
    log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
    options,
    signal: new AbortController().signal,
    commands: { which: async () => null, run: async () => { throw new Error('no programs'); } },
    memo,
    parseError() {},
    limits: DEFAULT_LIMITS,
    capped() {},
  };
}

export async function benchFiles() {
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-files-'));
  try {
    const dir = path.join(root, 'tree');
    mkdirSync(dir);
    const buf = Buffer.allocUnsafe(FILE_BYTES);
    const names = [];
    for (let i = 0; i < FILES; i++) {
      randomFillSync(buf);
      const f = path.join(dir, `f${String(i).padStart(2, '0')}.bin`);
      writeFileSync(f, buf);
      names.push(f);
    }
    const total = FILES * FILE_BYTES;
    // Warm the page cache the same way for both, so both measure hashing, not the disk.
    await run('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...names]);

    const t0 = performance.now();
    await run('sha256sum', names, { maxBuffer: 16 * 1024 * 1024 });
    const sumSeconds = (performance.now() - t0) / 1000;

    const memo = new Map();
    const t1 = performance.now();
    const first = await fileHashes.collect(context(root, memo));
    const firstSeconds = (performance.now() - t1) / 1000;
    const hashed = first.find((t) => t.name === 'files').rows.length;
    if (hashed !== FILES) throw new Error(`file_hashes hashed ${hashed} files, expected ${FILES}`);

    const t2 = performance.now();
    const second = await fileHashes.collect(context(root, memo));
    const secondSeconds = (performance.now() - t2) / 1000;
    const summary = second.find((t) => t.name === 'files_summary').rows[0];
    if (summary.bytes_read !== 0) throw new Error(`second pass read ${summary.bytes_read} bytes`);

    const mibps = (s) => Math.round(total / 1024 / 1024 / s);
    return [
      { name: 'files: sha256sum throughput (1 GiB, 64 files)', value: mibps(sumSeconds), unit: 'MiB/s', target: 'reference' },
      { name: 'files: file_hashes throughput, first pass', value: mibps(firstSeconds), unit: 'MiB/s', target: '>= 80% of sha256sum' },
      { name: 'files: file_hashes / sha256sum throughput', value: Math.round((sumSeconds / firstSeconds) * 100), unit: '%', target: '>= 80' },
      { name: 'files: second pass over the unchanged tree', value: Math.round(secondSeconds * 1000 * 10) / 10, unit: 'ms', target: 'cached' },
      { name: 'files: second pass speed-up', value: Math.round(firstSeconds / secondSeconds), unit: 'x', target: '>= 20' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchFiles()) console.log(`${row.name}: ${row.value} ${row.unit} (target ${row.target})`);
}
