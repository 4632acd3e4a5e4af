// Benchmarks of the security event pipeline, against the built code (dist/).
// The exporter side runs in a child process (this file with --events-child) so that its RSS
// and CPU are measured alone; this process plays the OTLP receiver and the host. Records are
// decoded with the test receiver's decoders (OTLP protobuf, the default protocol, and JSON).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const CLK_TCK = 100;

// ---------- child: the exporter's event side ----------
async function child() {
  const [, , , mode, root, endpoint, state] = process.argv;
  // What the exporter loads with or without events (configuration, HostFs, prom-client)…
  const { resolveEventsConfig } = await import('../../dist/events/config.js');
  const { HostFs } = await import('../../dist/host/hostfs.js');
  const { createCommandRunner } = await import('../../dist/host/commands.js');
  const { silentLogger } = await import('../../dist/util/logger.js');
  await import('prom-client');
  const args = { positionals: [], values: new Map([['events.otlp.endpoint', [endpoint]]]) };
  if (mode === 'off') {
    if (resolveEventsConfig({ args: { positionals: [], values: new Map() }, events: {}, configFile: null, stateDir: state }, {}) !== null) throw new Error('events on');
    return settleAndReport(null);
  }
  // …and what only events load: the sources and the OpenTelemetry SDK.
  const { startEvents } = await import('../../dist/events/index.js');
  const events = {
    syslog: { enabled: false },
    drift: { enabled: false },
    audit: mode === 'audit' ? { path: '/var/log/audit/audit.log' } : { enabled: false },
    ...(mode === 'fim' ? { fim: { paths: ['/watched'] } } : {}),
  };
  const config = resolveEventsConfig({ args, events, configFile: null, stateDir: state }, {});
  const ev = await startEvents(config, { fs: new HostFs({ rootfs: root }), log: silentLogger, clock: { now: () => Date.now() }, commands: createCommandRunner() });
  if (mode === 'idle') {
    // The SDK loaded and the exporter's paths warmed up by a few records, then idle.
    for (let i = 0; i < 20; i++) ev.pipeline.emit('drift', { name: 'hostbaseline.drift.added', severity: 'INFO', time: Date.now(), attributes: { n: i, row: { a: 'b' } } });
    await ev.pipeline.flush();
    return settleAndReport(ev);
  }
  let peakRss = process.memoryUsage.rss();
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50).unref();
  // The sources' own timers and watches do not keep a process alive (they are unref'd): this does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.stdout.write('ready\n');
  process.once('SIGTERM', async () => {
    await ev.stop(10_000);
    clearInterval(keepAlive);
    const t = ev.metrics.totals();
    process.stdout.write(JSON.stringify({ ...t, peakRss: Math.max(peakRss, process.memoryUsage.rss()) }) + '\n');
    process.exit(0);
  });
}

/** Memory after start-up has settled (two full GCs), printed as one JSON line; then exits. */
async function settleAndReport(ev) {
  await sleep(1500);
  globalThis.gc?.();
  await sleep(200);
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }) + '\n');
  await ev?.stop(1000);
  process.exit(0);
}

// ---------- parent ----------
async function receiver() {
  // Loaded here, not in the child: stripping TypeScript types costs the process memory.
  const { decodeJson, decodeProtobuf } = await import('../support/otlp-receiver.ts');
  const records = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const protobuf = String(req.headers['content-type']).includes('protobuf');
      const body = Buffer.concat(chunks);
      for (const r of protobuf ? decodeProtobuf(body) : decodeJson(body)) records.push({ name: r.eventName, attrs: r.attributes, at });
      if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, records, url: `http://127.0.0.1:${server.address().port}` })));
}

function startChild(mode, root, endpoint) {
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-state-'));
  const p = spawn(process.execPath, ['--max-old-space-size=128', '--expose-gc', self, '--events-child', mode, root, endpoint, state], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const lines = [];
  const waiters = [];
  p.stdout.on('data', (b) => {
    out += b.toString();
    let i;
    while ((i = out.indexOf('\n')) >= 0) {
      lines.push(out.slice(0, i));
      out = out.slice(i + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  const nextLine = async (n) => {
    while (lines.length < n) await new Promise((r) => waiters.push(r));
    return lines[n - 1];
  };
  return {
    pid: p.pid,
    ready: () => nextLine(1),
    async stop() {
      p.kill('SIGTERM');
      return JSON.parse(await nextLine(2));
    },
  };
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end && !pred()) await sleep(20);
}

function p99(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)];
}

/**
 * File change → record received at the receiver. `gapMs` apart: 20 ms is a steady stream of
 * changes (FIM's debounce then holds a batch up to 4 windows), 250 ms are isolated changes
 * (one debounce window, then the pipeline's flush delay).
 */
async function benchLatency(rcv, { n = 200, gapMs = 20 } = {}) {
  rcv.records.length = 0;
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-fim-'));
  mkdirSync(`${root}/watched`);
  const c = startChild('fim', root, rcv.url);
  await c.ready();
  const written = new Map();
  for (let i = 0; i < n; i++) {
    const f = `/watched/f${i}`;
    written.set(f, Date.now());
    writeFileSync(root + f, String(i));
    await sleep(gapMs);
  }
  await until(() => rcv.records.filter((r) => r.name === 'hostbaseline.file.created').length >= n, 10_000);
  const lat = rcv.records.filter((r) => written.has(r.attrs['file.path'])).map((r) => r.at - written.get(r.attrs['file.path']));
  await c.stop();
  rmSync(root, { recursive: true, force: true });
  const p50 = [...lat].sort((a, b) => a - b)[Math.floor(lat.length / 2)];
  return {
    name: `file change every ${gapMs} ms → record received, p99 of ${lat.length}/${n} (p50 ${p50}, max ${Math.max(...lat)})`,
    value: p99(lat),
    unit: 'ms',
    target: '< 250',
    ok: lat.length === n && p99(lat) < 250,
  };
}

async function benchBurst(rcv) {
  rcv.records.length = 0;
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-burst-'));
  mkdirSync(`${root}/watched`);
  const c = startChild('fim', root, rcv.url);
  await c.ready();
  const N = 10_000;
  for (let i = 0; i < N; i++) writeFileSync(`${root}/watched/b${i}`, 'x');
  let last = -1;
  // Wait until nothing more arrives for 2 s.
  while (rcv.records.length !== last) {
    last = rcv.records.length;
    await sleep(2000);
  }
  const t = await c.stop();
  rmSync(root, { recursive: true, force: true });
  const delivered = rcv.records.length;
  const droppedQueue = (t.droppedByReason.queue_full ?? 0) + (t.droppedByReason.shutdown ?? 0);
  const balanced = delivered + droppedQueue === t.produced;
  return [
    {
      name: `burst of ${N} file changes: produced ${t.produced}, delivered ${delivered}, dropped ${droppedQueue}`,
      value: balanced ? 'sum ok' : 'MISMATCH',
      unit: '',
      target: 'delivered + dropped == produced',
      ok: balanced,
    },
    { name: 'burst of 10,000 file changes: exporter peak RSS', value: Math.round(t.peakRss / 1048576), unit: 'MB', target: '< 150', ok: t.peakRss < 150 * 1048576 },
  ];
}

async function benchAudit(rcv) {
  rcv.records.length = 0;
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-audit-'));
  mkdirSync(`${root}/var/log/audit`, { recursive: true });
  const log = `${root}/var/log/audit/audit.log`;
  writeFileSync(log, '');
  const c = startChild('audit', root, rcv.url);
  await c.ready();
  await sleep(500);
  const RATE = 5000; // lines per second
  const SECONDS = 10;
  const PER_EVENT = 5;
  let serial = 1;
  const cpu0 = cpuSeconds(c.pid);
  const t0 = Date.now();
  for (let tick = 0; tick < SECONDS * 10; tick++) {
    // 100 ms worth of lines per write.
    let chunk = '';
    for (let i = 0; i < RATE / 10 / PER_EVENT; i++, serial++) {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}:${serial}`;
      chunk +=
        `type=SYSCALL msg=audit(${ts}): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=${1000 + (serial % 30000)} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="ls" exe="/usr/bin/ls" key="exec"\n` +
        `type=EXECVE msg=audit(${ts}): argc=3 a0="ls" a1="-l" a2="/tmp"\n` +
        `type=CWD msg=audit(${ts}): cwd="/home/alice"\n` +
        `type=PATH msg=audit(${ts}): item=0 name="/usr/bin/ls" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n` +
        `type=PROCTITLE msg=audit(${ts}): proctitle=6C73002D6C002F746D70\n`;
    }
    appendFileSync(log, chunk);
    const due = t0 + (tick + 1) * 100;
    await sleep(Math.max(0, due - Date.now()));
  }
  const writeEnd = Date.now();
  const events = serial - 1;
  await until(() => rcv.records.length >= events, 15_000);
  const lagMs = Date.now() - writeEnd;
  const cpu = (cpuSeconds(c.pid) - cpu0) / ((Date.now() - t0) / 1000);
  const t = await c.stop();
  rmSync(root, { recursive: true, force: true });
  const caughtUp = rcv.records.length >= events;
  return [
    {
      name: `audit log at ${RATE} lines/s for ${SECONDS}s: ${rcv.records.length}/${events} events, caught up ${lagMs} ms after the last write`,
      value: caughtUp ? 'kept up' : 'BEHIND',
      unit: '',
      target: 'no backlog',
      ok: caughtUp && t.dropped === 0,
    },
    { name: `audit log at ${RATE} lines/s: exporter CPU`, value: Math.round(cpu * 1000) / 10, unit: '% core', target: '< 50', ok: cpu < 0.5 },
  ];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** RSS of the event side alone, events off (SDK never loaded) against on (SDK loaded, idle), median of 3 each. */
async function benchMemory(rcv) {
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-mem-'));
  const runs = { off: [], idle: [] };
  for (let i = 0; i < 3; i++) {
    for (const mode of ['off', 'idle']) {
      const c = startChild(mode, root, rcv.url);
      runs[mode].push(JSON.parse(await c.ready()));
    }
  }
  rmSync(root, { recursive: true, force: true });
  const off = median(runs.off.map((r) => r.rss));
  const on = median(runs.idle.map((r) => r.rss));
  const heap = median(runs.idle.map((r) => r.heapUsed)) - median(runs.off.map((r) => r.heapUsed));
  return [
    { name: `events off (OpenTelemetry not loaded): RSS`, value: Math.round(off / 1048576), unit: 'MB', target: '', ok: undefined },
    { name: `events on, idle (sdk-node loaded): RSS`, value: Math.round(on / 1048576), unit: 'MB', target: '', ok: undefined },
    { name: `OpenTelemetry SDK and pipeline: RSS delta (heap ${(heap / 1048576).toFixed(1)} MB)`, value: Math.round((on - off) / 1048576), unit: 'MB', target: '< 25', ok: on - off < 25 * 1048576 },
  ];
}

export async function benchEvents() {
  const rcv = await receiver();
  try {
    const rows = [...(await benchMemory(rcv))];
    rows.push(await benchLatency(rcv, { n: 200, gapMs: 20 }));
    rows.push(await benchLatency(rcv, { n: 60, gapMs: 250 }));
    rows.push(...(await benchBurst(rcv)));
    rows.push(...(await benchAudit(rcv)));
    return rows;
  } finally {
    rcv.server.close();
  }
}

export { benchAudit, benchLatency, benchMemory, receiver };

if (process.argv[2] === '--events-child') await child();
else if (path.resolve(process.argv[1] ?? "") === self) {
  for (const row of await benchEvents()) console.log(JSON.stringify(row));
}
