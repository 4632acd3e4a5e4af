// Benchmarks of the security event pipeline, against the built code (dist/).
// The exporter side runs in a child process (this file with --events-child) so that its RSS
// and CPU are measured alone; this process plays the OTLP receiver and the host.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execveLine, loadCorpus } from './redaction.mjs';

const self = fileURLToPath(import.meta.url);
const CLK_TCK = 100;

// ---------- child: the exporter's event side ----------
async function child() {
  const [, , , mode, root, endpoint, state] = process.argv;
  const { startEvents } = await import('../../dist/events/index.js');
  const { resolveEventsConfig } = await import('../../dist/events/config.js');
  const { HostFs } = await import('../../dist/host/hostfs.js');
  const { createCommandRunner } = await import('../../dist/host/commands.js');
  const { silentLogger } = await import('../../dist/util/logger.js');
  const events = {
    syslog: { enabled: false },
    drift: { enabled: false },
    audit: mode === 'audit' ? { path: '/var/log/audit/audit.log' } : { enabled: false },
    ...(mode === 'fim' ? { fim: { paths: ['/watched'] } } : {}),
  };
  const config = resolveEventsConfig({ args: { positionals: [], values: new Map() }, events, configFile: null, stateDir: state }, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  const ev = await startEvents(config, { fs: new HostFs({ rootfs: root }), log: silentLogger, clock: { now: () => Date.now() }, commands: createCommandRunner() });
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

// ---------- parent ----------
function receiver() {
  const records = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rl of doc.resourceLogs ?? [])
        for (const sl of rl.scopeLogs ?? [])
          for (const r of sl.logRecords ?? []) {
            const attrs = Object.fromEntries((r.attributes ?? []).map((kv) => [kv.key, kv.value?.stringValue ?? kv.value?.intValue ?? kv.value?.arrayValue?.values?.map((v) => v.stringValue ?? v.intValue).join(' ')]));
            records.push({ name: r.eventName, attrs, at });
          }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, records, url: `http://127.0.0.1:${server.address().port}` })));
}

function startChild(mode, root, endpoint) {
  const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-state-'));
  const p = spawn(process.execPath, ['--max-old-space-size=128', self, '--events-child', mode, root, endpoint, state], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function benchLatency(rcv) {
  const root = mkdtempSync(path.join(tmpdir(), 'hb-bench-fim-'));
  mkdirSync(`${root}/watched`);
  const c = startChild('fim', root, rcv.url);
  await c.ready();
  const written = new Map();
  const N = 200;
  for (let i = 0; i < N; i++) {
    const f = `/watched/f${i}`;
    written.set(f, Date.now());
    writeFileSync(root + f, String(i));
    await sleep(20);
  }
  await until(() => rcv.records.filter((r) => r.name === 'hostbaseline.file.created').length >= N, 10_000);
  const lat = rcv.records.filter((r) => written.has(r.attrs['file.path'])).map((r) => r.at - written.get(r.attrs['file.path']));
  await c.stop();
  rmSync(root, { recursive: true, force: true });
  return { name: `file change → record received, p99 of ${lat.length}/${N}`, value: p99(lat), unit: 'ms', target: '< 1000', ok: lat.length === N && p99(lat) < 1000 };
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

/**
 * The audit log written at 5,000 lines/s; `execve(serial, ts)` gives each event's EXECVE record
 * (plain `ls -l /tmp`, or the redaction corpus' command lines).
 */
async function benchAudit(rcv, label = '', execve = (serial, ts) => `type=EXECVE msg=audit(${ts}): argc=3 a0="ls" a1="-l" a2="/tmp"\n`, secrets = []) {
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
        execve(serial, ts) +
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
  const redacted = rcv.records.filter((r) => String(r.attrs['process.command_args'] ?? '').includes('<redacted>')).length;
  const leaked = secrets.filter((s) => rcv.records.some((r) => String(r.attrs['process.command_args'] ?? '').includes(s))).length;
  if (label)
    return [
      {
        name: `audit log at ${RATE} lines/s ${label}: ${rcv.records.length}/${events} events, ${redacted} redacted, caught up ${lagMs} ms after`,
        value: caughtUp ? 'kept up' : 'BEHIND',
        unit: '',
        target: 'no backlog',
        ok: caughtUp && t.dropped === 0,
      },
      { name: `audit log ${label}: secrets leaked (of ${secrets.length})`, value: leaked, unit: '', target: '0', ok: leaked === 0 },
      { name: `audit log at ${RATE} lines/s ${label}: exporter CPU`, value: Math.round(cpu * 1000) / 10, unit: '% core', target: '< 50', ok: cpu < 0.5 },
    ];
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

export async function benchEvents() {
  const rcv = await receiver();
  try {
    const rows = [await benchLatency(rcv)];
    rows.push(...(await benchBurst(rcv)));
    rows.push(...(await benchAudit(rcv)));
    // The same rate with real command lines, every other one carrying credentials.
    const { shellWords } = await import('../../dist/util/redact.js');
    const corpus = [...loadCorpus('credentials', shellWords), ...loadCorpus('ordinary', shellWords)];
    const secrets = corpus.flatMap((c) => c.secrets);
    rows.push(...(await benchAudit(rcv, 'of the redaction corpus', (serial, ts) => execveLine(ts, corpus[serial % corpus.length].argv), secrets)));
    return rows;
  } finally {
    rcv.server.close();
  }
}

if (process.argv[2] === '--events-child') await child();
else if (path.resolve(process.argv[1] ?? "") === self) {
  for (const row of await benchEvents()) console.log(JSON.stringify(row));
}
