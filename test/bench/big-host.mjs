// Benchmark of a huge host: the exporter (bin/, under the heap flags of `npm start`) against a
// generated host root with 100,000 accounts (each with a home directory) and 100,000 processes
// in a fake /proc. Records peak RSS (VmHWM) and the outcome of every collector. The host root
// is built in a temporary directory and removed afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBigHost } from '../support/big-host.mjs';
import { freePort } from './scrape.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const USERS = Number(process.env.BENCH_BIG_USERS ?? 100_000);
const PIDS = Number(process.env.BENCH_BIG_PIDS ?? 100_000);
/** How long the exporter runs: until every collector has refreshed once, then one more minute. */
const READY_LIMIT_S = 600;
const AFTER_READY_S = 60;
const TARGET_MB = 256;

const cpuSeconds = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, USER_HZ ticks
};
const status = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

async function get(url) {
  try {
    const r = await fetch(url);
    return { status: r.status, text: await r.text() };
  } catch {
    return null;
  }
}

export async function benchBigHost() {
  const t0 = Date.now();
  const root = buildBigHost({ users: USERS, pids: PIDS });
  const buildSeconds = (Date.now() - t0) / 1000;
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-big-state-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=1', '--max-old-space-size=128', path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.rootfs=${root}`, `--path.state=${state}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (b) => (log += b));
  let exit = null;
  child.on('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  const base = `http://127.0.0.1:${port}`;
  let hwm = 0;
  let readyAfter = NaN;
  let metrics = '';
  let cpuToReady = NaN;
  let cpuAfterReady = NaN;
  try {
    const started = Date.now();
    let readyAt = null;
    while (exit === null) {
      try {
        hwm = Math.max(hwm, status(child.pid, 'VmHWM'));
      } catch {
        break; // gone
      }
      if (readyAt === null && (await get(`${base}/readyz`))?.status === 200) {
        readyAt = Date.now();
        readyAfter = (readyAt - started) / 1000;
        cpuToReady = cpuSeconds(child.pid);
      }
      if (readyAt !== null && Date.now() - readyAt > AFTER_READY_S * 1000) break;
      if (Date.now() - started > READY_LIMIT_S * 1000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    metrics = (await get(`${base}/metrics`))?.text ?? '';
    if (exit === null && readyAt !== null) cpuAfterReady = ((cpuSeconds(child.pid) - cpuToReady) / ((Date.now() - readyAt) / 1000)) * 100;
  } finally {
    child.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
  const samples = (family) => [...metrics.matchAll(new RegExp(`^${family}\\{collector="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1], Number(m[2])]);
  const success = samples('hostbaseline_collector_success');
  const failed = success.filter(([, v]) => v === 0).map(([c]) => c);
  const reasons = [...new Set([...log.matchAll(/msg="collector failed" collector=(\S+) err="([^"]*)"/g)].map((m) => `${m[1]}: ${m[2]}`))];
  const capped = samples('hostbaseline_rows_capped_total').filter(([, v]) => v > 0);
  const peakMb = hwm / 1e6;
  const rows = [
    { name: `host root built (${USERS} accounts with homes, ${PIDS} pids)`, value: buildSeconds, unit: 's' },
    { name: 'exporter still running (no crash, no heap exhaustion)', value: exit === null ? 'yes' : `no: ${exit}`, ok: exit === null && !/heap out of memory/.test(log) },
    { name: 'peak RSS, VmHWM', value: peakMb, unit: 'MB', target: `<= ${TARGET_MB}`, ok: peakMb <= TARGET_MB },
    { name: 'every collector refreshed once (/readyz) after', value: Number.isFinite(readyAfter) ? readyAfter : `not within ${READY_LIMIT_S}`, unit: 's' },
    { name: 'CPU until then (% of a core)', value: (cpuToReady / readyAfter) * 100, unit: '%' },
    { name: `CPU in the ${AFTER_READY_S} s after (% of a core)`, value: cpuAfterReady, unit: '%' },
    { name: 'collectors succeeding', value: `${success.length - failed.length}/${success.length}` },
    { name: 'collectors with rows capped', value: capped.length },
    { name: 'rows and items left out (hostbaseline_rows_capped_total)', value: capped.reduce((n, [, v]) => n + v, 0) },
  ];
  for (const c of failed) rows.push({ name: `  failed alone: ${c}`, value: reasons.filter((r) => r.startsWith(`${c}:`)).map((r) => r.slice(c.length + 2)).pop() ?? 'failed' });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchBigHost()) console.log(JSON.stringify(row));
}
