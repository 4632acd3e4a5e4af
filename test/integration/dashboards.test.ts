/**
 * Every dashboard query against a real Prometheus: Debian's prometheus scrapes two exporters
 * (this machine, with security events sent to a local OTLP receiver, and the host-a fixture
 * with every collector), loads dashboards/alerts.yaml, and each panel's expression must parse
 * and return data — except the few listed in MAY_BE_EMPTY, each with the reason.
 * Needs the built exporter: `npx tsc -p tsconfig.build.json` (npm test builds first).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { readConfigFile } from '../../src/config/config.js';
import { buildDashboards, parseAlertRules, queryPanels } from '../../src/dashboards/index.js';
import { fixturePath, REPO, tempDir } from '../helpers.js';
import { startExporter, SUID_PATHS_BUT_TMP, waitFor, type RunningExporter } from '../support/exporter.js';
import { importBusybox, startDockerd, type RunningDockerd } from '../support/dockerd.js';
import { startReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { hasProgram } from '../support/programs.js';
import { startPrometheus, waitForTargetsUp, type RunningPrometheus } from '../support/prometheus.js';

const ALERTS = path.join(REPO, 'dashboards', 'alerts.yaml');
const LOCAL = 'hb-local';
const FIXTURE = 'hb-fixture';

/**
 * Queries that may return nothing here, as `<dashboard uid>/<panel title>/<refId>` → why.
 * `local: true` means the Host detail query (run for the fixture host) must then return data for
 * this machine instead.
 */
const MAY_BE_EMPTY: Record<string, { why: string; local?: true }> = {
  'hostbaseline-host/YARA matches/A': { why: 'the fixture run configures no YARA rules', local: true },
  'hostbaseline-host/SUID files/A': { why: 'git keeps no setuid bits, so the fixture host has no SUID file', local: true },
  'hostbaseline-host/Firewall chains/A': { why: 'iptables-save and nft (run by both exporters on this machine) find empty rule sets: no chains' },
  // The fixture host has no engine; this machine's exporter talks to a private dockerd started here.
  ...Object.fromEntries(
    ['Running containers', 'Container risks', 'Containers', 'Published container ports'].map((t) => [`hostbaseline-host/${t}/A`, { why: 'the fixture host has no container engine', local: true as const }]),
  ),
};

/** Without dockerd (allowed outside CI only) the container queries have nothing to show anywhere. */
const NO_ENGINE: Record<string, { why: string }> = Object.fromEntries(
  ['hostbaseline-fleet/Privileged containers/A', 'hostbaseline-fleet/Container risks/A', 'hostbaseline-host/Running containers/A', 'hostbaseline-host/Container risks/A', 'hostbaseline-host/Containers/A', 'hostbaseline-host/Published container ports/A'].map((k) => [
    k,
    { why: 'dockerd is not installed' },
  ]),
);

const collectors = allCollectors();

/** Arguments running every collector the fixture host can run (as the catalog test does). */
function fixtureArgs(state: string): string[] {
  const configFile = fixturePath('host-a.config.yaml');
  const args = [`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${state}`];
  const file = existsSync(configFile) ? readConfigFile(configFile, collectors).collectors : {};
  if (existsSync(configFile)) args.push(`--config.file=${configFile}`);
  for (const s of collectors) if (file[s.name]?.enabled !== false) args.push(`--collector.${s.name}`);
  return args;
}

const hasPrometheus = hasProgram('prometheus');
const hasDocker = hasProgram('dockerd') && hasProgram('docker');
const mayBeEmpty = (key: string) => (hasDocker ? undefined : NO_ENGINE[key]) ?? MAY_BE_EMPTY[key];

describe.skipIf(!hasPrometheus)('dashboards against a real Prometheus', () => {
  let receiver: OtlpReceiver;
  let local: RunningExporter;
  let fixture: RunningExporter;
  let prom: RunningPrometheus;
  let engine: RunningDockerd | undefined;
  const fimDir = tempDir('hb-dash-fim-');

  beforeAll(async () => {
    receiver = await startReceiver();
    const docker: string[] = [];
    if (hasDocker) {
      // A private engine: a container that publishes a port and mounts the engine socket, and a privileged
      // one (created, not started: this sandbox may not grant a privileged container its capabilities).
      engine = await startDockerd();
      const image = importBusybox(engine);
      engine.cli(['run', '-d', '--name', 'dash-sock', '-p', '127.0.0.1:18092:8080/tcp', '-v', `${engine.socket}:/var/run/docker.sock`, image, 'sleep', '600']);
      engine.cli(['create', '--name', 'dash-priv', '--privileged', image, 'sleep', '600']);
      docker.push(`--collector.docker.host=unix://${engine.socket}`);
    }
    // A YARA rule and a file it matches, scanned on this machine.
    const yaraDir = tempDir('hb-dash-yara-');
    writeFileSync(path.join(yaraDir, 'rules.yar'), 'rule dashboard_test_marker { strings: $a = "hostbaseline-dashboard-marker" condition: $a }\n');
    mkdirSync(path.join(yaraDir, 'scan'));
    writeFileSync(path.join(yaraDir, 'scan', 'sample.txt'), 'x hostbaseline-dashboard-marker x\n');
    const yara = hasProgram('yara') ? ['--collector.yara', `--collector.yara.rules=${path.join(yaraDir, 'rules.yar')}`, `--collector.yara.paths=${path.join(yaraDir, 'scan')}`] : [];
    [local, fixture] = await Promise.all([
      startExporter([`--path.state=${tempDir()}`, ...SUID_PATHS_BUT_TMP, `--events.otlp.endpoint=${receiver.baseUrl}`, `--events.fim.path=${fimDir}`, '--events.fim.debounce=10ms', '--events.queue-size=1', ...docker, ...yara]),
      startExporter(fixtureArgs(tempDir())),
    ]);
    await Promise.all(
      [local, fixture].map((e) => waitFor('readiness', async () => (await fetch(`${e.url}/readyz`)).ok, 180_000, 250)),
    );
    // File changes make FIM produce events; a burst into a one-record queue makes it drop some,
    // so that the event families, dropped events included, have series. A setuid file outside
    // package directories is a high-risk (ERROR) event of the risk table.
    await waitFor(
      'events from FIM, some dropped, one high-risk',
      async () => {
        mkdirSync(fimDir, { recursive: true });
        for (let i = 0; i < 50; i++) writeFileSync(path.join(fimDir, `f${Date.now()}-${i}`), 'x');
        writeFileSync(path.join(fimDir, `suid-${Date.now()}`), '#!/bin/sh\n', { mode: 0o4755 });
        const text = await (await fetch(`${local.url}/metrics`)).text();
        return /^hostbaseline_events_total\{/m.test(text) && /^hostbaseline_events_dropped_total\{/m.test(text) && /^hostbaseline_events_severity_total\{[^}]*severity="ERROR"/m.test(text);
      },
      30_000,
      500,
    );
    prom = await startPrometheus(
      [
        { job: LOCAL, address: local.address },
        { job: FIXTURE, address: fixture.address },
      ],
      [ALERTS],
    );
    await waitForTargetsUp(prom, 2);
    // increase() of the high-risk counter needs it to grow while Prometheus watches: one more.
    await waitFor('one scrape of each target', async () => (await prom.query('count_over_time(up[1m])')).length === 2, 30_000, 250);
    writeFileSync(path.join(fimDir, `suid-${Date.now()}`), '#!/bin/sh\n', { mode: 0o4755 });
    // rate() needs two samples in its window: wait for at least 3 scrapes of each target.
    await waitFor('three scrapes of each target', async () => {
      const r = await prom.query('count_over_time(up[1m])');
      return r.length === 2 && r.every((x) => Number(x.value[1]) >= 3);
    }, 30_000, 250);
  }, 180_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all([local?.stop(), fixture?.stop()]);
    await receiver?.stop();
    if (engine && engine.child.exitCode === null) {
      try {
        engine.cli(['rm', '-f', 'dash-priv', 'dash-sock']);
      } catch {
        // already gone
      }
      await engine.stop();
    }
  });

  function substitute(expr: string, instance: string): string {
    return expr
      .replaceAll('$__rate_interval', '1m')
      .replaceAll('$__range', '1m')
      .replaceAll('$__interval', '15s')
      .replaceAll('$job', `${LOCAL}|${FIXTURE}`)
      .replaceAll('$instance', instance);
  }

  it('the job and instance variables list both exporters', async () => {
    const jobs = await prom.query('count by (job) (hostbaseline_os_info)');
    expect(jobs.map((r) => r.metric.job).sort()).toEqual([FIXTURE, LOCAL]);
    const instances = await prom.query(substitute('count by (instance) (hostbaseline_os_info{job=~"$job"})', ''));
    expect(instances.map((r) => r.metric.instance).sort()).toEqual([fixture.address, local.address].sort());
  });

  for (const { dashboard } of buildDashboards()) {
    it(`${dashboard.title}: every panel query parses and returns data`, async () => {
      const single = dashboard.templating.list.find((v) => v.name === 'instance')!.multi === false;
      const instance = single ? fixture.address : `${fixture.address}|${local.address}`;
      const problems: string[] = [];
      const emptyAllowed: string[] = [];
      let checked = 0;
      for (const { panel } of queryPanels(dashboard)) {
        for (const t of panel.targets) {
          const key = `${dashboard.uid}/${panel.title}/${t.refId}`;
          const expr = substitute(t.expr, instance);
          const body = await prom.queryRaw(expr);
          checked++;
          if (body.status !== 'success') {
            problems.push(`${key}: ${body.errorType}: ${body.error}\n  ${expr}`);
            continue;
          }
          if (body.data!.result.length > 0) {
            if (mayBeEmpty(key)) problems.push(`${key}: listed in MAY_BE_EMPTY but returns data: remove it from the list`);
            continue;
          }
          const allowed: { why: string; local?: true } | undefined = mayBeEmpty(key);
          if (!allowed) {
            problems.push(`${key}: empty result\n  ${expr}`);
            continue;
          }
          if (allowed.local) {
            const again = await prom.query(substitute(t.expr, local.address));
            if (again.length === 0) problems.push(`${key}: empty for the fixture host (${allowed.why}) and for this machine`);
          }
          emptyAllowed.push(key);
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(20);
      console.log(`${dashboard.title}: ${checked} queries, allowed empty: ${emptyAllowed.join(', ') || 'none'}`);
    });
  }

  it('loads the alert rules, which evaluate without errors', async () => {
    const expected = parseAlertRules(readFileSync(ALERTS, 'utf8')).map((a) => a.alert).sort();
    type Rule = { name: string; health: string; lastError?: string; lastEvaluation: string };
    const rules = await waitFor(
      'every rule evaluated',
      async () => {
        const body = (await (await fetch(`${prom.url}/api/v1/rules?type=alert`)).json()) as { data: { groups: { rules: Rule[] }[] } };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length === expected.length && all.every((r) => !r.lastEvaluation.startsWith('0001')) ? all : null;
      },
      30_000,
      250,
    );
    expect(rules.map((r) => r.name).sort()).toEqual(expected);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('alerts without `for` fire for what the fixture host has', async () => {
    const firing = await waitFor(
      'alerts',
      async () => {
        const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
        const names = new Set(body.data.alerts.filter((a) => a.labels.instance === fixture.address && a.state === 'firing').map((a) => a.labels.alertname!));
        return names.has('HostbaselineLdSoPreload') ? names : null;
      },
      30_000,
      250,
    );
    // What the fixture host was built to show (see test/fixtures/host-a).
    for (const name of [
      'HostbaselineLdSoPreload',
      'HostbaselineLdSoSuspiciousDirectory',
      'HostbaselineUid0Account',
      'HostbaselineEmptyPassword',
      'HostbaselineSshdPasswordAuthentication',
      'HostbaselineSshdPermitRootLogin',
      'HostbaselineSudoNopasswdAll',
      'HostbaselineUnsignedPackageSource',
      'HostbaselinePackageBinaryModified',
      'HostbaselineKernelTaintedByModule',
      'HostbaselineKernelCmdlineConcern',
      'HostbaselineSelinuxModeMismatch',
      'HostbaselineRaidDegraded',
      'HostbaselineTlsCertificateExpiring',
    ])
      expect([...firing], name).toContain(name);
    if (hasDocker) {
      const onLocal = await prom.query(`ALERTS{alertstate="firing", instance="${local.address}"}`);
      expect(onLocal.map((a) => `${a.metric.alertname} ${a.metric.name ?? ''}`)).toEqual(
        expect.arrayContaining(['HostbaselinePrivilegedContainer dash-priv', 'HostbaselineDockerSocketMounted dash-sock']),
      );
    }
    // Nothing is "new" on a host that has only been watched for seconds.
    expect([...firing].filter((n) => n.startsWith('HostbaselineNew'))).toEqual([]);
  });
});
