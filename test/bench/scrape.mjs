// Shared by the benchmarks: start an exporter, scrape it as Prometheus does, measure.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';

const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 300);
const WARMUP = 50;
const CLK_TCK = 100;

export function freePort() {
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

export const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

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

// The first pass of every collector (hashing every packaged file at a bounded rate) takes minutes on a big host.
const READY_MS = Number(process.env.BENCH_READY_SECONDS ?? 900) * 1000;

async function waitUp(url, ms = READY_MS) {
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

export async function measure(name, command, args, readyPath, scrapes = SCRAPES, idleSeconds = 0) {
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
    for (let i = 0; i < scrapes; i++) {
      const r = await scrape(url);
      if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
      lat.push(r.ms);
      bytes = r.bytes;
    }
    const cpu = cpuSeconds(child.pid) - cpu0;
    const text = await plainText(url);
    // Steady state: collectors refreshing on their own schedules, a Prometheus scrape every 15 s.
    let idleCpuPercent = NaN;
    if (idleSeconds > 0) {
      const c0 = cpuSeconds(child.pid);
      const t0 = Date.now();
      while (Date.now() - t0 < idleSeconds * 1000) {
        await scrape(url);
        await new Promise((r) => setTimeout(r, Math.min(15_000, idleSeconds * 1000 - (Date.now() - t0))));
      }
      idleCpuPercent = ((cpuSeconds(child.pid) - c0) / ((Date.now() - t0) / 1000)) * 100;
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
    lat.sort((a, b) => a - b);
    return {
      name,
      median: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      gzipBytes: bytes,
      textBytes: Buffer.byteLength(text),
      series: text.split('\n').filter((l) => l && !l.startsWith('#')).length,
      cpuPer100: (cpu / scrapes) * 100,
      rss,
      rssEnd: rssBytes(child.pid),
      peakRss: hwm,
      idleCpuPercent,
    };
  } finally {
    child.kill('SIGTERM');
    if (err && process.env.BENCH_VERBOSE) console.error(err);
  }
}

