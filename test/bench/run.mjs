// `npm run bench`: scrape latency, bytes, series, CPU and memory of hostbaseline beside
// Debian's prometheus-node-exporter (default collectors) in the same run, then the
// area benchmarks (test/bench/*.mjs modules exporting bench* functions).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 300);
const WARMUP = 50;
const CLK_TCK = 100;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function scrape(url) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http
      .get(url, { agent, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes, status: res.statusCode }));
      })
      .on('error', reject);
  });
}

function plainText(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
}

async function waitUp(url, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function measure(name, command, args, readyPath) {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUp(`${base}${readyPath}`);
    const url = `${base}/metrics`;
    for (let i = 0; i < WARMUP; i++) await scrape(url);
    await new Promise((r) => setTimeout(r, 500));
    const rss = rssBytes(child.pid);
    const cpu0 = cpuSeconds(child.pid);
    const lat = [];
    let bytes = 0;
    for (let i = 0; i < SCRAPES; i++) {
      const r = await scrape(url);
      if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
      lat.push(r.ms);
      bytes = r.bytes;
    }
    const cpu = cpuSeconds(child.pid) - cpu0;
    const text = await plainText(url);
    lat.sort((a, b) => a - b);
    return {
      name,
      median: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      gzipBytes: bytes,
      textBytes: Buffer.byteLength(text),
      series: text.split('\n').filter((l) => l && !l.startsWith('#')).length,
      cpuPer100: (cpu / SCRAPES) * 100,
      rss,
    };
  } finally {
    child.kill('SIGTERM');
    if (err && process.env.BENCH_VERBOSE) console.error(err);
  }
}

function which(p) {
  try {
    return execFileSync('sh', ['-c', `command -v ${p}`]).toString().trim();
  } catch {
    return null;
  }
}

const fmt = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

async function main() {
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-'));
  const hb = await measure(
    'hostbaseline',
    process.execPath,
    (port) => ['--max-semi-space-size=1', '--max-old-space-size=128', path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.state=${state}`, '--log.level=warn'],
    '/readyz',
  );
  const nodeExporterBin = which('prometheus-node-exporter') ?? which('node_exporter');
  const ne = nodeExporterBin ? await measure('node_exporter', nodeExporterBin, (port) => [`--web.listen-address=127.0.0.1:${port}`], '/metrics') : null;

  console.log(`\nScrape benchmark (${SCRAPES} scrapes after ${WARMUP} warm-up, keep-alive, Accept-Encoding: gzip, as Prometheus scrapes)\n`);
  const rows = [
    ['metric', 'hostbaseline', 'node_exporter', 'ratio', 'target'],
    ['median latency (ms)', fmt(hb.median), fmt(ne?.median), ne ? fmt(hb.median / ne.median) : '', '<= 0.5x node_exporter'],
    ['p99 latency (ms)', fmt(hb.p99), fmt(ne?.p99), ne ? fmt(hb.p99 / ne.p99) : '', '< node_exporter'],
    ['bytes per scrape (gzip)', String(hb.gzipBytes), String(ne?.gzipBytes ?? 'n/a'), ne ? fmt(hb.gzipBytes / ne.gzipBytes) : '', ''],
    ['bytes per scrape (text)', String(hb.textBytes), String(ne?.textBytes ?? 'n/a'), ne ? fmt(hb.textBytes / ne.textBytes) : '', ''],
    ['series', String(hb.series), String(ne?.series ?? 'n/a'), ne ? fmt(hb.series / ne.series) : '', ''],
    ['CPU seconds per 100 scrapes', fmt(hb.cpuPer100, 3), fmt(ne?.cpuPer100, 3), ne ? fmt(hb.cpuPer100 / ne.cpuPer100) : '', '< node_exporter'],
    ['RSS after warm-up (MB)', fmt(hb.rss / 1e6, 1), fmt((ne?.rss ?? NaN) / 1e6, 1), ne ? fmt(hb.rss / ne.rss) : '', '< 100 MB'],
  ];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));

  const verdicts = [['RSS < 100 MB', hb.rss < 100e6]];
  if (ne) {
    verdicts.push(['median <= half of node_exporter', hb.median <= ne.median / 2]);
    verdicts.push(['p99 < node_exporter', hb.p99 < ne.p99]);
    verdicts.push(['CPU per scrape < node_exporter', hb.cpuPer100 < ne.cpuPer100]);
  } else console.log('\nprometheus-node-exporter is not installed: no reference column.');
  console.log('');
  for (const [what, ok] of verdicts) console.log(`${ok ? 'PASS' : 'MISS'}  ${what}`);

  // Area benchmarks: every test/bench/*.mjs module (but this one) exporting bench* functions.
  for (const file of readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').sort()) {
    if (process.env.BENCH_ONLY && !file.includes(process.env.BENCH_ONLY)) continue;
    const mod = await import(pathToFileURL(path.join(here, file)).href);
    for (const [fn, bench] of Object.entries(mod)) {
      if (!fn.startsWith('bench') || typeof bench !== 'function') continue;
      console.log(`\n${file}: ${fn}`);
      try {
        const results = await bench();
        for (const r of results) console.log(`  ${r.name.padEnd(56)} ${String(typeof r.value === 'number' ? fmt(r.value, 3) : r.value).padStart(12)} ${(r.unit ?? '').padEnd(8)} ${r.target ? `target ${r.target}` : ''}${r.ok === undefined ? '' : r.ok ? '  PASS' : '  MISS'}`);
      } catch (err) {
        console.log(`  failed: ${err.stack ?? err}`);
      }
    }
  }
  agent.destroy();
}

if (!existsSync(path.join(repo, 'dist/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (npm run bench does)');
  process.exit(1);
}
await main();
