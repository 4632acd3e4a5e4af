// The host report at `/`: time per page view (first after a refresh, then cached), page and
// JSON sizes, and scrape latency while browsers load the report, on this host.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './scrape.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function get(url, agent, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes, status: res.statusCode }));
      })
      .on('error', reject);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

async function scrapes(base, n, agent) {
  const ms = [];
  for (let i = 0; i < n; i++) ms.push((await get(`${base}/metrics`, agent, { 'Accept-Encoding': 'gzip' })).ms);
  return ms;
}

export async function benchHostReport() {
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-report-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--lite-mode', '--max-semi-space-size=1', '--max-old-space-size=128', path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.state=${state}`, '--log.level=warn'], {
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const scrapeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pageAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    for (let end = Date.now() + 600_000; ; ) {
      const r = await get(`${base}/readyz`).catch(() => null);
      if (r?.status === 200) break;
      if (Date.now() > end) throw new Error('exporter not ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The first view after the last refresh builds and renders the report; the next are cached.
    const first = await get(`${base}/`, pageAgent);
    const views = [];
    for (let i = 0; i < 50; i++) views.push((await get(`${base}/`, pageAgent)).ms);
    const json = await get(`${base}/report.json`, pageAgent);
    const table = [];
    for (let i = 0; i < 50; i++) table.push((await get(`${base}/tables/deb/packages?q=lib&page=2`, pageAgent)).ms);

    const quiet = await scrapes(base, 200, scrapeAgent);
    // Eight browsers reloading the report and searching a table while Prometheus scrapes.
    let loading = true;
    const loaders = Array.from({ length: 8 }, async (_, i) => {
      while (loading) await get(`${base}/${i % 2 ? '' : 'tables/deb/packages?q=lib'}`, pageAgent);
    });
    const busy = await scrapes(base, 200, scrapeAgent);
    loading = false;
    await Promise.all(loaders);
    return [
      { name: 'report page, first view after a refresh', value: first.ms, unit: 'ms' },
      { name: 'report page, cached view (median)', value: median(views), unit: 'ms' },
      { name: 'report page size', value: first.bytes / 1024, unit: 'KiB' },
      { name: 'report JSON size', value: json.bytes / 1024, unit: 'KiB' },
      { name: 'table page, search and page 2 of packages (median)', value: median(table), unit: 'ms' },
      { name: 'scrape median, no page views', value: median(quiet), unit: 'ms' },
      { name: 'scrape median, 8 clients loading the report', value: median(busy), unit: 'ms', target: '< 2x quiet', ok: median(busy) < 2 * median(quiet) },
      { name: 'scrape p99, 8 clients loading the report', value: p99(busy), unit: 'ms' },
    ];
  } finally {
    scrapeAgent.destroy();
    pageAgent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(state, { recursive: true, force: true });
  }
}
