// `npm run bench`: scrape latency, bytes, series, CPU and memory of hostbaseline beside
// Debian's prometheus-node-exporter (default collectors) in the same run, then the
// area benchmarks (test/bench/*.mjs modules exporting bench* functions).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agent, measure } from './scrape.mjs';

// As the bin script, npm start, the image and the chart run it.
process.env.MALLOC_ARENA_MAX ??= '2';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 300);
const WARMUP = 50;
// The V8 flags the bin script, npm start, the image and the chart run with; BENCH_NODE_FLAGS weighs others.
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--lite-mode --max-semi-space-size=1 --max-old-space-size=128').split(' ').filter(Boolean);

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
    (port) => [...NODE_FLAGS, path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.state=${state}`, '--log.level=warn'],
    '/readyz',
    SCRAPES,
    Number(process.env.BENCH_IDLE_SECONDS ?? 60),
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
    ['RSS at the end (MB)', fmt(hb.rssEnd / 1e6, 1), fmt((ne?.rssEnd ?? NaN) / 1e6, 1), '', ''],
    ['peak RSS, VmHWM (MB)', fmt(hb.peakRss / 1e6, 1), fmt((ne?.peakRss ?? NaN) / 1e6, 1), '', ''],
    [`steady-state CPU, ${process.env.BENCH_IDLE_SECONDS ?? 60} s (% of a core)`, fmt(hb.idleCpuPercent, 2), '', '', '< 2 %'],
  ];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));

  const verdicts = [
    ['RSS < 100 MB', hb.rss < 100e6],
    ['steady-state CPU < 2% of a core', hb.idleCpuPercent < 2],
  ];
  if (ne) {
    verdicts.push(['median <= half of node_exporter', hb.median <= ne.median / 2]);
    verdicts.push(['p99 < node_exporter', hb.p99 < ne.p99]);
    verdicts.push(['CPU per scrape < node_exporter', hb.cpuPer100 < ne.cpuPer100]);
  } else console.log('\nprometheus-node-exporter is not installed: no reference column.');
  console.log('');
  for (const [what, ok] of verdicts) console.log(`${ok ? 'PASS' : 'MISS'}  ${what}`);

  // Area benchmarks: every test/bench/*.mjs module (but this one) exporting bench* functions.
  for (const file of readdirSync(here).filter((f) => f.endsWith('.mjs') && !['run.mjs', 'scrape.mjs'].includes(f)).sort()) {
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
