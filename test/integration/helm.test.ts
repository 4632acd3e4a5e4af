import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { REPO } from '../helpers.js';
import { helm } from '../support/helm.js';
import { rejectUnknownFields, validateWithModels, type K8sObject } from '../support/k8s-schema.js';

const CHART = path.join(REPO, 'helm', 'hostbaseline');

/** Every optional feature switched on. */
const ALL_ON = [
  'prometheus.monitor.enabled=true',
  'prometheus.monitor.interval=30s',
  'prometheus.podMonitor.enabled=true',
  'prometheusRule.enabled=true',
  'dashboards.enabled=true',
  'networkPolicy.enabled=true',
  'otlp.endpoint=http://otel-collector.monitoring:4318',
  'otlp.headersSecret.name=otlp-auth',
  'config.collectors.deb.max_series=20000',
  'service.ipDualStack.enabled=true',
  'stateDir.type=emptyDir',
  'firewall.enabled=true',
  'webConfig.secretName=hostbaseline-web',
  'prometheus.monitor.scheme=https',
];

function render(sets: string[] = []): K8sObject[] {
  const out = helm(['template', 'hb', CHART, '--namespace', 'monitoring', ...sets.flatMap((s) => ['--set', s])]);
  return parseAllDocuments(out)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function daemonSet(objects: K8sObject[]) {
  const ds = objects.find((o) => o.kind === 'DaemonSet') as any;
  expect(ds).toBeDefined();
  return ds;
}

describe('Helm chart', () => {
  it('passes helm lint --strict with defaults and with every option on', () => {
    expect(helm(['lint', '--strict', CHART])).toContain('0 chart(s) failed');
    expect(helm(['lint', '--strict', CHART, ...ALL_ON.flatMap((s) => ['--set', s])])).toContain('0 chart(s) failed');
  });

  it('rejects values the schema does not know', () => {
    expect(() => helm(['template', 'hb', CHART, '--set', 'hostNetwrok=true'])).toThrow(/hostNetwrok/);
    expect(() => helm(['template', 'hb', CHART, '--set', 'otlp.compression=zip'])).toThrow();
  });

  for (const [name, sets] of [
    ['defaults', []],
    ['every option on', ALL_ON],
  ] as const) {
    it(`renders objects valid against the Kubernetes schemas (${name}), unknown fields rejected`, async () => {
      const objects = render([...sets]);
      expect(objects.length).toBeGreaterThanOrEqual(name === 'defaults' ? 3 : 9);
      expect(await validateWithModels(objects)).toEqual([]);
      expect(rejectUnknownFields(objects)).toEqual([]);
    }, 120_000);
  }

  it('the unknown-field check does catch a misplaced field', () => {
    const ds = daemonSet(render());
    ds.spec.template.spec.containers[0].readOnlyRootFilesystem = true; // belongs in securityContext
    const problems = rejectUnknownFields([ds]);
    expect(problems.join('\n')).toMatch(/readOnlyRootFilesystem/);
  }, 120_000);

  it('the DaemonSet mounts the host read-only at /host and points the exporter at it', () => {
    const ds = daemonSet(render());
    const pod = ds.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBe(true);
    const c = pod.containers[0];
    expect(c.args).toEqual(expect.arrayContaining(['--path.rootfs=/host', '--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.state=/var/lib/hostbaseline']));
    const mount = (p: string) => c.volumeMounts.find((m: any) => m.mountPath === p);
    expect(mount('/host')).toMatchObject({ readOnly: true, mountPropagation: 'HostToContainer' });
    expect(mount('/host/proc')).toMatchObject({ readOnly: true });
    expect(mount('/host/sys')).toMatchObject({ readOnly: true });
    expect(mount('/var/lib/hostbaseline').readOnly).toBeUndefined();
    const vol = (n: string) => pod.volumes.find((v: any) => v.name === n);
    expect(vol(mount('/host').name).hostPath.path).toBe('/');
    expect(vol('state').hostPath).toMatchObject({ path: '/var/lib/hostbaseline', type: 'DirectoryOrCreate' });
  });

  it('runs with a read-only root filesystem and only the capabilities the collectors need', () => {
    const c = daemonSet(render()).spec.template.spec.containers[0];
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false });
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['DAC_READ_SEARCH', 'SYS_PTRACE'] });
  });

  it('runs the firewall collector only with firewall.enabled, which adds NET_ADMIN', () => {
    const off = daemonSet(render()).spec.template.spec.containers[0];
    expect(off.args).toContain('--no-collector.firewall');
    const on = daemonSet(render(['firewall.enabled=true'])).spec.template.spec.containers[0];
    expect(on.args).not.toContain('--no-collector.firewall');
    expect(on.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['DAC_READ_SEARCH', 'SYS_PTRACE', 'NET_ADMIN'] });
    // Values that already add it do not get it twice.
    const twice = daemonSet(render(['firewall.enabled=true', 'containerSecurityContext.capabilities.add={NET_ADMIN}'])).spec.template.spec.containers[0];
    expect(twice.securityContext.capabilities.add).toEqual(['NET_ADMIN']);
  });

  it('mounts a web-config Secret and passes --web.config.file; probes check the port, which needs no credentials', () => {
    const pod = daemonSet(render(['webConfig.secretName=hostbaseline-web'])).spec.template.spec;
    const c = pod.containers[0];
    expect(c.args).toContain('--web.config.file=/etc/hostbaseline-web/web-config.yml');
    expect(c.volumeMounts).toContainEqual({ name: 'web-config', mountPath: '/etc/hostbaseline-web', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'web-config', secret: { secretName: 'hostbaseline-web', defaultMode: 0o400 } });
    for (const probe of [c.livenessProbe, c.readinessProbe]) {
      expect(probe.tcpSocket).toEqual({ port: 9855 });
      expect(probe.httpGet).toBeUndefined();
    }
    const plain = daemonSet(render()).spec.template.spec.containers[0];
    expect(plain.args.join(' ')).not.toMatch(/web\.config/);
    expect(plain.livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('splits the ServiceMonitor into a fast job and a slow inventory job over the same collector list', () => {
    const monitor = render(['prometheus.monitor.enabled=true', 'prometheus.monitor.interval=30s']).find((o) => o.kind === 'ServiceMonitor') as any;
    const [fast, slow] = monitor.spec.endpoints;
    expect(monitor.spec.endpoints).toHaveLength(2);
    expect(fast.interval).toBe('30s');
    expect(slow.interval).toBe('4m');
    const inventory = slow.params['collect[]'];
    expect(fast.params['exclude[]']).toEqual(inventory);
    expect(slow.relabelings).toContainEqual({ action: 'replace', targetLabel: 'scrape', replacement: 'inventory' });
    expect(fast.relabelings).toBeUndefined();
    // Every listed collector exists and is on by default (the exporter answers 400 otherwise).
    const enabled = new Set(allCollectors().filter((c) => c.defaultEnabled).map((c) => c.name));
    expect(inventory.filter((c: string) => !enabled.has(c))).toEqual([]);
    // The slow interval stays under Prometheus' default lookback delta of 5m.
    expect(Number(/^(\d+)m$/.exec(slow.interval)![1])).toBeLessThan(5);
    const single = render(['prometheus.monitor.enabled=true', 'prometheus.monitor.inventory.split=false']).find((o) => o.kind === 'ServiceMonitor') as any;
    expect(single.spec.endpoints).toHaveLength(1);
    expect(single.spec.endpoints[0].params).toBeUndefined();
  });

  it('runs on every node with a priority class, rolling updates and resources', () => {
    const ds = daemonSet(render());
    const pod = ds.spec.template.spec;
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(ds.spec.updateStrategy).toMatchObject({ type: 'RollingUpdate' });
    expect(pod.containers[0].resources.limits.memory).toBeDefined();
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.K8S_NODE_NAME.valueFrom.fieldRef.fieldPath).toBe('spec.nodeName');
    expect(env.NODE_OPTIONS.value).toContain('--max-old-space-size');
    expect(env.MALLOC_ARENA_MAX.value).toBe('2');
  });

  it('wires OTLP from values and headers from a Secret', () => {
    const env = Object.fromEntries(daemonSet(render(ALL_ON)).spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT.value).toBe('http://otel-collector.monitoring:4318');
    expect(env.OTEL_EXPORTER_OTLP_HEADERS.valueFrom.secretKeyRef).toEqual({ name: 'otlp-auth', key: 'headers' });
    expect(Object.keys(Object.fromEntries(daemonSet(render()).spec.template.spec.containers[0].env.map((e: any) => [e.name, 1])))).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('renders the config file ConfigMap and passes it with --config.file', () => {
    const objects = render(ALL_ON);
    const cm = objects.find((o) => o.kind === 'ConfigMap' && !(o.metadata as any).labels?.grafana_dashboard) as any;
    expect(cm.data['config.yaml']).toContain('max_series: 20000');
    expect(daemonSet(objects).spec.template.spec.containers[0].args).toContain('--config.file=/etc/hostbaseline/config.yaml');
  });

  it('ships the alert rules and dashboards it has in dashboards/', () => {
    const objects = render(ALL_ON);
    const rule = objects.find((o) => o.kind === 'PrometheusRule') as any;
    expect(rule.spec.groups.length).toBeGreaterThan(0);
    const chartRules = readFileSync(path.join(CHART, 'files', 'alerts.yaml'), 'utf8');
    expect(chartRules, 'helm/hostbaseline/files/alerts.yaml must equal dashboards/alerts.yaml (npm run dashboards)').toBe(readFileSync(path.join(REPO, 'dashboards', 'alerts.yaml'), 'utf8'));
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && (o.metadata as any).labels?.grafana_dashboard === '1');
    expect(dashboards.length).toBeGreaterThanOrEqual(3);
    for (const d of dashboards as any[]) {
      const [file, json] = Object.entries(d.data)[0] as [string, string];
      expect(json).toBe(readFileSync(path.join(REPO, 'dashboards', file), 'utf8'));
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
  const instructions = text
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => l.trim());

  it('pins every base image by tag (no latest), the default of the BASE_IMAGE build argument too', () => {
    // ARGs before the first FROM may name the base; their defaults are what a plain build uses.
    const args = new Map<string, string>();
    for (const l of instructions.slice(0, instructions.findIndex((i) => /^FROM\s/i.test(i)))) {
      const m = /^ARG\s+(\w+)=(\S+)$/i.exec(l);
      if (m) args.set(m[1]!, m[2]!);
    }
    expect(args.get('BASE_IMAGE')).toMatch(/^node:24\.[\d.]+-bookworm-slim$/);
    const froms = instructions.filter((l) => /^FROM\s/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) {
      const image = f.split(/\s+/)[1]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? `unset ${name}`);
      expect(image, f).toMatch(/:[\w.-]+$|@sha256:/);
      expect(image, f).not.toMatch(/:latest$/);
    }
  });

  it('runs as a non-root user and copies only compiled JavaScript', () => {
    const users = instructions.filter((l) => /^USER\s/i.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/i);
    const finalStage = instructions.slice(instructions.findLastIndex((l) => /^FROM\s/i.test(l)));
    // Sources copied from the build context into the runtime stage: no TypeScript sources.
    const fromContext = finalStage.filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l));
    expect(fromContext.join('\n')).not.toMatch(/\bsrc\b|\.ts\b/);
  });

  it('never ADDs a URL', () => {
    expect(instructions.filter((l) => /^ADD\s+\S*:\/\//i.test(l))).toEqual([]);
  });

  it('is the image the chart points to, under the name the README builds and pushes', () => {
    const values = readFileSync(path.join(REPO, 'helm', 'hostbaseline', 'values.yaml'), 'utf8');
    expect(values).toMatch(/repository: hostbaseline\/hostbaseline/);
    const appVersion = /^appVersion: "?([^"\n]+)"?$/m.exec(readFileSync(path.join(REPO, 'helm', 'hostbaseline', 'Chart.yaml'), 'utf8'))![1]!;
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(`docker build -t $REGISTRY/hostbaseline/hostbaseline:${appVersion} .`);
    expect(readme).toContain(`docker push $REGISTRY/hostbaseline/hostbaseline:${appVersion}`);
    expect(readme).toContain('--set image.registry=$REGISTRY');
    expect(text).toMatch(/ENTRYPOINT \["node", .*"bin\/hostbaseline-exporter.js"\]/);
  });
});
