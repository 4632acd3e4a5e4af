// 100 running containers on a real, private Docker Engine: how long the docker collector
// takes with stats on (target < 2 s), and that the scrape latency is unaffected.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './scrape.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 100);

function which(p) {
  try {
    return execFileSync('sh', ['-c', `command -v ${p}`]).toString().trim();
  } catch {
    return null;
  }
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {}
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function benchDocker() {
  if (!which('dockerd')) return [{ name: 'dockerd not installed: skipped', value: 'n/a' }];
  const { createDockerCollector } = await import('../../dist/collectors/containers/docker.js');
  const { Scheduler } = await import('../../dist/collectors/scheduler.js');
  const { HostFs } = await import('../../dist/host/hostfs.js');
  const { loadCatalog } = await import('../../dist/metrics/catalog.js');
  const { createCommandRunner } = await import('../../dist/host/commands.js');
  const { createLogger } = await import('../../dist/util/logger.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'hb-bench-docker-'));
  const socket = path.join(dir, 'docker.sock');
  const child = spawn('dockerd', ['--iptables=false', '--ip6tables=false', '--bridge=none', `--data-root=${dir}/data`, `--exec-root=${dir}/exec`, `--pidfile=${dir}/pid`, `--host=unix://${socket}`], { stdio: 'ignore' });
  const docker = (args) => execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await until(() => docker(['version', '--format', '{{.Server.Version}}']).trim() !== '', 60_000);
    const rootfs = path.join(dir, 'rootfs');
    mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    execFileSync('cp', ['/bin/busybox', path.join(rootfs, 'bin/busybox')]);
    symlinkSync('busybox', path.join(rootfs, 'bin/sleep'));
    execFileSync('tar', ['-C', rootfs, '-cf', path.join(dir, 'bb.tar'), '.']);
    docker(['import', path.join(dir, 'bb.tar'), 'busybox:bench']);
    const t0 = Date.now();
    for (let i = 0; i < CONTAINERS; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, CONTAINERS - i) }, (_, k) =>
          new Promise((resolve, reject) =>
            spawn('docker', ['-H', `unix://${socket}`, 'run', '-d', '--label', `n=${i + k}`, 'busybox:bench', 'sleep', '3600'], { stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`docker run exit ${c}`)))),
          ),
        ),
      );
    }
    const startSeconds = (Date.now() - t0) / 1000;
    const spec = createDockerCollector({ env: {} });
    const emptyRoot = mkdtempSync(path.join(tmpdir(), 'hb-bench-root-'));
    const scheduler = new Scheduler({
      specs: [spec],
      configs: new Map([[spec.name, { enabled: true, interval: 30_000, timeout: 60_000, options: { host: `unix://${socket}`, stats: true, top: true, changes: false, request_timeout: 10_000 } }]]),
      catalog: loadCatalog(),
      fs: new HostFs({ rootfs: emptyRoot }),
      clock: { now: () => Date.now() },
      log: createLogger({ level: 'error' }),
      commands: createCommandRunner(),
    });
    const times = [];
    let series = 0;
    for (let i = 0; i < 5; i++) {
      const s = await scheduler.runNow('docker');
      if (!s.success) throw new Error(s.lastError);
      times.push(s.lastDurationMs);
      series = s.rendered.series;
    }
    times.sort((a, b) => a - b);
    const median = times[2] / 1000;
    // The whole exporter on this host with the engine's containers in its exposition.
    const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-state-'));
    const scrape = await measure(
      'hostbaseline+docker',
      process.execPath,
      (port) => ['--lite-mode', '--max-semi-space-size=1', '--max-old-space-size=128', path.join(repo, 'bin/hostbaseline-exporter.js'), `--web.listen-address=127.0.0.1:${port}`, `--path.state=${state}`, `--collector.docker.host=unix://${socket}`, '--log.level=error'],
      '/readyz',
      200,
    );
    return [
      { name: `start ${CONTAINERS} containers (setup)`, value: startSeconds, unit: 's' },
      { name: `docker collector refresh, ${CONTAINERS} running, stats on (median of 5)`, value: median, unit: 's', target: '< 2 s', ok: median < 2 },
      { name: 'series from the docker collector', value: series, unit: '' },
      { name: `exporter scrape median with ${CONTAINERS} containers`, value: scrape.median, unit: 'ms', target: '<= 0.5x node_exporter (see above)' },
      { name: `exporter scrape p99 with ${CONTAINERS} containers`, value: scrape.p99, unit: 'ms' },
      { name: 'exporter series with containers', value: scrape.series, unit: '' },
      { name: 'exporter RSS with containers', value: scrape.rss / 1e6, unit: 'MB', target: '< 100 MB', ok: scrape.rss < 100e6 },
    ];
  } finally {
    try {
      const ids = docker(['ps', '-aq']).split('\n').filter(Boolean);
      for (let i = 0; i < ids.length; i += 50) docker(['rm', '-f', ...ids.slice(i, i + 50)]);
    } catch {}
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
