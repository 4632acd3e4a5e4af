// Benchmarks of the HTTP server against hostile clients: a flood of 15,000 held connections,
// filtered against full scrapes, and basic auth under 60 concurrent wrong passwords.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { freePort } from './scrape.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FLOOD_CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 15_000);
const FLOOD_CLIENTS = 3;
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 20);
/** Memory a flood may add on top of the exporter's own: connections are capped, so this is fixed. */
const FLOOD_GROWTH_BOUND_MB = 32;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const p99 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(0.99 * s.length))] : NaN;
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const hwmMb = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** Starts the built exporter as `npm start` does (128 MB heap), on this host's root. */
async function startHb(extra = []) {
  const port = await freePort();
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-http-'));
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=1', '--max-old-space-size=128', path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.state=${state}`, '--log.level=error', ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { port, child, exited, logs: () => err, stop: () => (child.kill('SIGTERM'), exited) };
}

function request(port, p, { agent, headers = {} } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: p, agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', (e) => resolve({ status: 0, error: e.code ?? e.message, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
  });
}

async function waitReady(port, headers = {}) {
  const end = Date.now() + 300_000;
  while (Date.now() < end) {
    const r = await request(port, '/readyz', { headers });
    if (r.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('exporter not ready');
}

async function scrapes(port, n, opts = {}) {
  const lat = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const r = await request(port, opts.path ?? '/metrics', { agent: opts.agent, headers: { 'Accept-Encoding': 'gzip', ...(opts.headers ?? {}) } });
    if (r.status === 200) lat.push(r.ms);
    else failed++;
    if (opts.gapMs) await new Promise((res) => setTimeout(res, opts.gapMs));
  }
  return { lat, failed };
}

// One flood client: keeps `count` connections open for `seconds`, each sending a POST with a
// huge Content-Length and no body (or, one in four, headers that never end), reconnecting
// whenever the server hangs up. Bounded in count and time.
const FLOOD_CLIENT = `
import * as net from 'node:net';
const [port, count, seconds] = process.argv.slice(1).map(Number);
const end = Date.now() + seconds * 1000;
let opened = 0, closed = 0, open = 0;
function one(i) {
  if (Date.now() > end) return;
  const s = net.connect({ host: '127.0.0.1', port });
  opened++; open++;
  s.on('error', () => {});
  s.on('connect', () => s.write(i % 4 === 0 ? 'GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ' : 'POST /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1000000000\\r\\n\\r\\n'));
  s.resume();
  s.on('close', () => { closed++; open--; setTimeout(() => one(i), 20); });
}
for (let i = 0; i < count; i++) one(i);
const timer = setInterval(() => {
  if (Date.now() > end + 1000) { clearInterval(timer); process.stdout.write(JSON.stringify({ opened, closed }) + '\\n'); process.exit(0); }
}, 250);
`;

export async function benchFlood() {
  const hb = await startHb();
  const pid = hb.child.pid;
  try {
    await waitReady(hb.port);
    // Prometheus keeps one connection alive between scrapes.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await scrapes(hb.port, 20, { agent });
    const before = await scrapes(hb.port, 50, { agent });
    const rssBefore = rssMb(pid);
    const clients = [];
    for (let i = 0; i < FLOOD_CLIENTS; i++) {
      const c = spawn(process.execPath, ['--input-type=module', '-e', FLOOD_CLIENT, String(hb.port), String(Math.ceil(FLOOD_CONNECTIONS / FLOOD_CLIENTS)), String(FLOOD_SECONDS)], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      c.stdout.on('data', (b) => (out += b));
      clients.push(new Promise((resolve) => c.once('exit', () => resolve(out))));
    }
    let peak = rssBefore;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(pid));
      } catch {}
    }, 100);
    await new Promise((r) => setTimeout(r, 2000));
    // During the flood: the kept-alive scrape connection, and fresh connections (which compete for slots).
    const t0 = Date.now();
    const during = { lat: [], failed: 0 };
    const fresh = { lat: [], failed: 0 };
    while (Date.now() - t0 < (FLOOD_SECONDS - 4) * 1000) {
      const a = await scrapes(hb.port, 1, { agent });
      during.lat.push(...a.lat);
      during.failed += a.failed;
      const f = await scrapes(hb.port, 1);
      fresh.lat.push(...f.lat);
      fresh.failed += f.failed;
      const h = await request(hb.port, '/healthz');
      if (h.status !== 200) fresh.failed++;
      await new Promise((r) => setTimeout(r, 200));
    }
    const reports = (await Promise.all(clients)).map((o) => {
      try {
        return JSON.parse(o);
      } catch {
        return { opened: 0, closed: 0 };
      }
    });
    clearInterval(sampler);
    const alive = hb.child.exitCode === null;
    const after = await scrapes(hb.port, 50, { agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) });
    const hwm = hwmMb(pid);
    agent.destroy();
    const opened = reports.reduce((s, r) => s + r.opened, 0);
    return [
      { name: `flood: connections held open by ${FLOOD_CLIENTS} clients`, value: FLOOD_CONNECTIONS, unit: 'conns' },
      { name: 'flood: connections made over the run (reconnects)', value: opened, unit: 'conns' },
      { name: 'flood: exporter still running', value: alive ? 'yes' : 'NO', ok: alive, target: 'never crashes' },
      { name: 'flood: RSS before (MB)', value: rssBefore, unit: 'MB' },
      { name: 'flood: peak RSS during (MB, sampled every 100 ms)', value: peak, unit: 'MB' },
      { name: 'flood: VmHWM of the whole run (MB)', value: hwm, unit: 'MB' },
      { name: 'flood: peak RSS growth over before (MB)', value: Math.max(peak, hwm) - rssBefore, unit: 'MB', target: `<= ${FLOOD_GROWTH_BOUND_MB} MB`, ok: Math.max(peak, hwm) - rssBefore <= FLOOD_GROWTH_BOUND_MB },
      { name: 'scrape before: median (kept-alive connection)', value: median(before.lat), unit: 'ms' },
      { name: 'scrape during flood: median (kept-alive connection)', value: median(during.lat), unit: 'ms' },
      { name: 'scrape during flood: p99 (kept-alive connection)', value: p99(during.lat), unit: 'ms' },
      { name: 'scrape during flood: failed (kept-alive connection)', value: during.failed, unit: 'scrapes', target: '0', ok: during.failed === 0 },
      { name: 'scrape during flood: median (new connection each)', value: median(fresh.lat), unit: 'ms' },
      { name: 'scrape or /healthz during flood: refused (new connection each)', value: `${fresh.failed}/${fresh.lat.length + fresh.failed + during.lat.length + during.failed}`, unit: '' },
      { name: 'scrape after flood: median', value: median(after.lat), unit: 'ms' },
      { name: 'scrape after flood: failed', value: after.failed, unit: 'scrapes', target: '0', ok: after.failed === 0 },
    ];
  } finally {
    await hb.stop();
  }
}

export async function benchFilteredScrape() {
  const hb = await startHb();
  try {
    await waitReady(hb.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const full = await request(hb.port, '/metrics', { agent });
    void full;
    const names = [];
    await new Promise((resolve) =>
      http.get({ host: '127.0.0.1', port: hb.port, path: '/metrics', agent }, (res) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (s += c));
        res.on('end', () => {
          for (const m of s.matchAll(/^hostbaseline_collector_success\{collector="([^"]+)"\}/gm)) names.push(m[1]);
          resolve();
        });
      }),
    );
    const half = names.filter((_, i) => i % 2 === 0);
    const q = (key, list) => list.map((n) => `${key}=${encodeURIComponent(n)}`).join('&');
    const cases = [
      ['full', '/metrics', {}],
      ['full, OpenMetrics', '/metrics', { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' }],
      [`collect[] of ${half.length} collectors`, `/metrics?${q('collect[]', half)}`, {}],
      ['collect[]=deb', '/metrics?collect[]=deb', {}],
      [`exclude[] of ${half.length} collectors`, `/metrics?${q('exclude[]', half)}`, {}],
    ];
    const out = [];
    let fullMedian = NaN;
    for (const [name, p, headers] of cases) {
      await scrapes(hb.port, 20, { agent, path: p, headers });
      const r = await scrapes(hb.port, 200, { agent, path: p, headers });
      const m = median(r.lat);
      if (name === 'full') fullMedian = m;
      const ratio = m / fullMedian;
      out.push({ name: `scrape ${name}: median`, value: m, unit: 'ms', ...(name.startsWith('full') ? {} : { target: '~ full (<= 1.5x)', ok: ratio <= 1.5 }) });
      out.push({ name: `scrape ${name}: p99`, value: p99(r.lat), unit: 'ms' });
    }
    agent.destroy();
    return out;
  } finally {
    await hb.stop();
  }
}

// Wrong-password clients: `count` loops of GET /metrics with a wrong password for `seconds`.
const WRONG_PASSWORDS = `
import * as http from 'node:http';
const [port, count, seconds] = process.argv.slice(1).map(Number);
const end = Date.now() + seconds * 1000;
const statuses = {};
const header = (i) => 'Basic ' + Buffer.from('prometheus:guess' + i).toString('base64');
await Promise.all(Array.from({ length: count }, async (_, i) => {
  while (Date.now() < end) {
    const status = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/metrics', headers: { Authorization: header(i) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
      req.on('error', () => resolve(0));
    });
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}));
process.stdout.write(JSON.stringify(statuses));
`;

export async function benchBasicAuth() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hb-bench-auth-'));
  const config = path.join(dir, 'web.yml');
  writeFileSync(config, `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('right-password', 12)}\n`);
  const hb = await startHb([`--web.config.file=${config}`]);
  const auth = (u, p) => ({ Authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });
  const good = auth('prometheus', 'right-password');
  try {
    await waitReady(hb.port, good);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const quiet = await scrapes(hb.port, 30, { agent, headers: good });
    // Timing of unknown against known users (wrong passwords), one at a time.
    const known = [];
    const unknown = [];
    for (let i = 0; i < 12; i++) {
      known.push((await request(hb.port, '/healthz', { headers: auth('prometheus', `wrong${i}`) })).ms);
      unknown.push((await request(hb.port, '/healthz', { headers: auth(`nobody${i}`, `wrong${i}`) })).ms);
    }
    // 60 clients (in another process) sending wrong passwords as fast as they are answered, for 10 s.
    const attack = spawn(process.execPath, ['--input-type=module', '-e', WRONG_PASSWORDS, String(hb.port), '60', '10'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let attackOut = '';
    attack.stdout.on('data', (b) => (attackOut += b));
    const attackDone = new Promise((resolve) => attack.once('exit', resolve));
    const end = Date.now() + 10_000;
    await new Promise((r) => setTimeout(r, 500));
    const during = { lat: [], failed: 0 };
    const health = [];
    while (Date.now() < end - 500) {
      const s = await scrapes(hb.port, 1, { agent, headers: good });
      during.lat.push(...s.lat);
      during.failed += s.failed;
      health.push((await request(hb.port, '/healthz', { headers: good })).ms);
      await new Promise((r) => setTimeout(r, 100));
    }
    await attackDone;
    let statuses = {};
    try {
      statuses = JSON.parse(attackOut);
    } catch {}
    agent.destroy();
    const ratio = median(unknown) / median(known);
    return [
      { name: 'auth (bcrypt cost 12): scrape median, no attack', value: median(quiet.lat), unit: 'ms' },
      { name: 'auth: scrape median during 60 concurrent wrong passwords', value: median(during.lat), unit: 'ms', target: '< 50 ms', ok: median(during.lat) < 50 },
      { name: 'auth: scrape p99 during 60 concurrent wrong passwords', value: p99(during.lat), unit: 'ms', target: '< 250 ms', ok: p99(during.lat) < 250 },
      { name: 'auth: scrapes failed during the attack', value: during.failed, unit: 'scrapes', target: '0', ok: during.failed === 0 },
      { name: 'auth: /healthz median during the attack', value: median(health), unit: 'ms', target: '< 50 ms', ok: median(health) < 50 },
      { name: 'auth: wrong-password answers (401 checked / 503 busy)', value: `${statuses[401] ?? 0} / ${statuses[503] ?? 0}`, unit: '' },
      { name: 'auth: known user, wrong password: median', value: median(known), unit: 'ms' },
      { name: 'auth: unknown user: median', value: median(unknown), unit: 'ms' },
      { name: 'auth: unknown / known time ratio', value: ratio, unit: '', target: '0.8 .. 1.25', ok: ratio >= 0.8 && ratio <= 1.25 },
    ];
  } finally {
    await hb.stop();
  }
}
