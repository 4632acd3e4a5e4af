import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers.js';
import { startDockerd, type RunningDockerd } from '../support/dockerd.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';
import { helm } from '../support/helm.js';
import { importNodeBase } from '../support/image-base.js';
import { podToDockerRun, type DockerRun } from '../support/pod-docker.js';
import { hasProgram } from '../support/programs.js';
import { freePort } from '../support/prometheus.js';

/**
 * The image built from the Dockerfile on a private engine (nothing pulled: the base is a
 * debootstrap root plus Node 24) and run with the settings of the chart's rendered DaemonSet,
 * translated flag by flag; it must report this host as the exporter run directly on it does.
 */
const IMAGE = 'hostbaseline:image-test';
const CHART = path.join(REPO, 'helm', 'hostbaseline');
/** Collectors whose results the two runs must agree on. */
const COMPARED = ['deb', 'users', 'listening_ports', 'suid_files', 'processes'];

/** Sample lines of one family (`name{…} value`), in exposition order. */
function samples(text: string, family: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `));
}

function labels(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function value(line: string): number {
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** "tcp 22", "udp 53"…: the listening sockets of this network namespace now, as ss(8) shows them. */
function listenersNow(): Set<string> {
  const out = execFileSync('ss', ['-H', '-l', '-n', '-t', '-u'], { encoding: 'utf8' });
  return new Set(out.split('\n').filter(Boolean).map((l) => {
    const [netid, , , , local] = l.trim().split(/\s+/);
    return `${netid} ${local!.slice(local!.lastIndexOf(':') + 1)}`;
  }));
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`${url}/metrics: HTTP ${res.status}`);
  return res.text();
}

/** Scrapes until every compared collector has succeeded once. */
async function scrapeWhenCollected(what: string, url: string): Promise<string> {
  return waitFor(
    `${what}: the first run of ${COMPARED.join(', ')}`,
    async () => {
      // Every collector's first run done (what the readiness probe waits for), then the compared ones succeeded.
      if ((await fetch(`${url}/readyz`)).status !== 200) return null;
      const text = await scrape(url);
      // hostbaseline_collector_success is served by default (the per-collector timestamps only with --web.collector-metrics=full).
      const done = COMPARED.every((c) => samples(text, 'hostbaseline_collector_success').some((l) => labels(l).collector === c && value(l) === 1));
      return done ? text : null;
    },
    10 * 60_000,
    1000,
  );
}

describe.runIf(['dockerd', 'docker', 'debootstrap', 'unshare', 'tar', 'busybox', 'ss'].every(hasProgram))('the container image, run as the chart runs it', () => {
  let engine: RunningDockerd;
  let direct: RunningExporter;
  let canary: ChildProcess;
  let canaryPort: number;
  /** Listeners that existed before both runs started and after both were scraped. */
  let lasting: Set<string>;
  let run: DockerRun;
  let containerUrl: string;
  let inContainer: string;
  let onHost: string;

  beforeAll(async () => {
    engine = await startDockerd({ sharedRootMount: true });
    const base = importNodeBase(engine);
    // The classic builder: BuildKit is not installed everywhere, and the Dockerfile needs none of it.
    engine.cli(['build', '--network', 'host', '--build-arg', `BASE_IMAGE=${base}`, '--tag', IMAGE, REPO], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 30 * 60_000 });
    const size = Number(engine.cli(['image', 'inspect', '--format', '{{.Size}}', IMAGE]).trim());
    console.info(`image ${IMAGE}: ${(size / 1e6).toFixed(0)} MB (base ${base}: ${(Number(engine.cli(['image', 'inspect', '--format', '{{.Size}}', base]).trim()) / 1e6).toFixed(0)} MB)`);

    // A listener both runs must attribute to its process by name.
    canaryPort = await freePort();
    canary = spawn('busybox', ['nc', '-l', '-p', String(canaryPort)], { stdio: 'ignore' });

    const port = await freePort();
    const rendered = helm(['template', 'hb', CHART, '--namespace', 'monitoring', '--set', `service.targetPort=${port}`]);
    const daemonSet = parseAllDocuments(rendered)
      .map((d) => d.toJSON())
      .find((o) => o?.kind === 'DaemonSet');
    const state = tempDir('hb-image-state-');
    mkdirSync(state, { recursive: true });
    run = podToDockerRun(daemonSet, {
      fieldRefs: { 'status.hostIP': '127.0.0.1', 'spec.nodeName': hostname(), 'metadata.name': 'hostbaseline-image-test' },
      // The chart's hostPath state dir, kept out of the real /var/lib/hostbaseline of this machine.
      hostPathOverrides: { '/var/lib/hostbaseline': state },
    });
    containerUrl = `http://127.0.0.1:${port}`;
    const before = listenersNow();
    engine.cli(['run', '--detach', '--name', 'hostbaseline', ...run.flags, IMAGE, ...run.args]);
    direct = await startExporter([]);
    [inContainer, onHost] = await Promise.all([scrapeWhenCollected('the container', containerUrl), scrapeWhenCollected('the direct run', direct.url)]);
    const after = listenersNow();
    lasting = new Set([...before].filter((l) => after.has(l)));
  }, 45 * 60_000);

  afterAll(async () => {
    canary?.kill();
    await direct?.stop();
    if (engine && engine.child.exitCode === null) {
      try {
        console.info(engine.cli(['logs', '--tail', '20', 'hostbaseline']));
        engine.cli(['rm', '--force', 'hostbaseline']);
        // The base, the image and the build's intermediate layers: about a gigabyte in the data root.
        engine.cli(['system', 'prune', '--all', '--force']);
      } catch {
        // never created
      }
      await engine.stop();
    }
  }, 120_000);

  it('runs with the DaemonSet settings: host namespaces, / read-only at /host, read-only root, the chart capabilities and user', () => {
    const inspect = JSON.parse(engine.cli(['inspect', 'hostbaseline']))[0];
    const host = inspect.HostConfig;
    expect(inspect.State.Running).toBe(true);
    expect(host.PidMode).toBe('host');
    expect(host.NetworkMode).toBe('host');
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Privileged).toBe(false);
    expect(host.CapDrop).toEqual(['ALL']);
    // The engine names capabilities with their CAP_ prefix.
    expect(host.CapAdd.map((c: string) => c.replace(/^CAP_/, ''))).toEqual(run.container.securityContext.capabilities.add);
    expect(inspect.Config.User).toBe('0:0');
    // Kubernetes args replace the image's CMD and keep its ENTRYPOINT, as docker run's arguments do.
    expect(inspect.Config.Cmd).toEqual(run.args);
    expect(inspect.Config.Entrypoint).toEqual(JSON.parse(engine.cli(['image', 'inspect', '--format', '{{json .Config.Entrypoint}}', IMAGE])));
    expect(inspect.Mounts).toContainEqual(expect.objectContaining({ Type: 'bind', Source: '/', Destination: '/host', RW: false, Propagation: 'rslave' }));
  });

  it('serves health and readiness as the probes ask', async () => {
    for (const probe of [run.container.livenessProbe, run.container.readinessProbe]) {
      const res = await fetch(`${containerUrl}${probe.httpGet.path}`);
      expect(res.status, probe.httpGet.path).toBe(200);
    }
  });

  it('reports the same packages and users as the exporter run on the host', () => {
    for (const family of ['hostbaseline_package_info', 'hostbaseline_packages', 'hostbaseline_user_info', 'hostbaseline_users']) {
      const host = samples(onHost, family);
      expect(host.length, family).toBeGreaterThan(0);
      expect(samples(inContainer, family), family).toEqual(host);
    }
  });

  it('reports the same SUID files (outside the temp dirs that tests running alongside create and delete)', () => {
    const ours = `${tmpdir()}/hb-`;
    const stable = (text: string) => samples(text, 'hostbaseline_suid_file_info').filter((l) => !labels(l).path!.startsWith(ours));
    expect(stable(onHost).length).toBeGreaterThan(0);
    expect(stable(inContainer)).toEqual(stable(onHost));
  });

  it('reports the host listening ports with their process names', () => {
    const byPort = (text: string) => new Map(samples(text, 'hostbaseline_listening_port_info').map((l) => [`${labels(l).protocol} ${labels(l).address}:${labels(l).port}`, labels(l)]));
    const host = byPort(onHost);
    const container = byPort(inContainer);
    const canaryKey = [...host.keys()].find((k) => host.get(k)!.port === String(canaryPort));
    expect(canaryKey, 'the busybox nc listener in the direct run').toBeDefined();
    expect(host.get(canaryKey!)!.process).toBe('busybox');
    expect(container.get(canaryKey!)).toEqual(host.get(canaryKey!));
    // Tests running alongside open and close listeners between the two runs: the listeners that
    // lasted from before both runs started until after both were scraped must be the same.
    const lastingOf = (m: Map<string, Record<string, string>>) => [...m.entries()].filter(([, l]) => lasting.has(`${l.protocol} ${l.port}`)).sort();
    expect(lastingOf(host).length).toBeGreaterThan(0);
    expect(lastingOf(container)).toEqual(lastingOf(host));
  });

  it('counts the host processes, not the container', () => {
    const total = (text: string) => samples(text, 'hostbaseline_processes').reduce((n, l) => n + value(l), 0);
    const host = total(onHost);
    const container = total(inContainer);
    expect(host).toBeGreaterThan(20);
    // The two runs read /proc a few seconds apart on a machine where other tests start processes.
    expect(Math.abs(container - host)).toBeLessThanOrEqual(Math.max(10, Math.round(0.1 * host)));
  });

  it('every collector that succeeds on the host also succeeds in the container', () => {
    const failed = (text: string) => samples(text, 'hostbaseline_collector_success').filter((l) => value(l) === 0).map((l) => labels(l).collector);
    const ok = (text: string) => samples(text, 'hostbaseline_collector_success').filter((l) => value(l) === 1).map((l) => labels(l).collector);
    const hostOk = new Set(ok(onHost));
    expect(failed(inContainer).filter((c) => hostOk.has(c))).toEqual([]);
  });
});
