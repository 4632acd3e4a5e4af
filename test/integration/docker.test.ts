import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as dockerCollector } from '../../src/collectors/containers/docker.js';
import { collectOnce, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';
import { importBusybox, startDockerd, type RunningDockerd } from '../support/dockerd.js';

// A real Docker Engine (Debian docker.io), started privately for this test.
describe.runIf(hasProgram('dockerd') && hasProgram('docker'))('docker collector against a real engine', () => {
  let engine: RunningDockerd;
  let endpoint: string;
  let bindDir: string;
  const root = tempDir('hb-dockerroot-');

  beforeAll(async () => {
    engine = await startDockerd();
    endpoint = `unix://${engine.socket}`;
    const image = importBusybox(engine);
    bindDir = tempDir('hb-bind-');
    // A web-like container: a host-path bind, a published port, labels, an added capability.
    engine.cli(['run', '-d', '--name', 'web', '--label', 'app=shop', '--label', 'tier=front', '--cap-add', 'NET_ADMIN', '-v', `${bindDir}:/data:ro`, '-p', '127.0.0.1:18081:8080/tcp', image, 'sleep', '600']);
    // An agent-like container: host PID and network namespaces, the engine socket, /etc.
    engine.cli(['run', '-d', '--name', 'agent', '--pid', 'host', '--network', 'host', '-v', `${engine.socket}:/var/run/docker.sock`, '-v', '/etc:/host/etc:ro', image, 'sleep', '600']);
    // A hardened container: read-only root, nothing added.
    engine.cli(['run', '-d', '--name', 'locked', '--read-only', '--cap-drop', 'ALL', image, 'sleep', '600']);
    engine.cli(['create', '--name', 'stopped', image, 'true']);
    mkdirSync(path.join(root, 'proc'), { recursive: true });
  }, 120_000);

  afterAll(async () => {
    if (engine && engine.child.exitCode === null) {
      try {
        engine.cli(['rm', '-f', 'web', 'agent', 'locked', 'stopped']);
      } catch {
        // already gone
      }
      await engine.stop();
    }
  });

  it('reports every container with the state, image, ports, mounts and labels the engine reports', async () => {
    const { state, tables, samples } = await collectOnce(dockerCollector, root, { options: { host: endpoint } });
    expect(state.success, state.lastError ?? '').toBe(true);
    const inspect = async (name: string) => engine.docker.getContainer(name).inspect();
    for (const name of ['web', 'agent', 'locked', 'stopped']) {
      const i = await inspect(name);
      const row = tables.docker_containers!.find((r) => r.name === name)!;
      expect(row, name).toMatchObject({ id: i.Id.slice(0, 12), image: i.Config.Image, state: i.State.Status, restart_count: i.RestartCount });
      expect(samples).toContain(`hostbaseline_container_info{id="${i.Id.slice(0, 12)}",name="${name}",image="busybox:hb"`);
    }
    const web = await inspect('web');
    expect(tables.docker_container_ports).toContainEqual({ id: web.Id.slice(0, 12), name: 'web', container_port: 8080, protocol: 'tcp', host_ip: '127.0.0.1', host_port: 18081 });
    expect(tables.docker_container_mounts).toContainEqual(expect.objectContaining({ name: 'web', type: 'bind', source: bindDir, destination: '/data', rw: false, sensitive: false }));
    expect(tables.docker_container_labels!.filter((l) => l.name === 'web').map((l) => `${l.label}=${l.value}`)).toEqual(['app=shop', 'tier=front']);
    const engineRow = tables.docker_engine![0]!;
    const version = await engine.docker.version();
    expect(engineRow).toMatchObject({ up: true, version: version.Version, api_version: version.ApiVersion, containers: 4, containers_running: 3 });
    expect(samples).toContain('hostbaseline_container_engine_up 1');
  });

  it('flags each risk the engine configuration shows', async () => {
    const { tables } = await collectOnce(dockerCollector, root, { options: { host: endpoint } });
    const risks = (name: string) => tables.docker_container_risks!.filter((r) => r.name === name).map((r) => r.reason).sort();
    expect(risks('web')).toEqual(['added_capabilities', 'no_user_namespace', 'rw_rootfs']);
    expect(risks('agent')).toEqual(['docker_socket', 'host_network', 'host_pid', 'no_user_namespace', 'rw_rootfs', 'sensitive_mount']);
    expect(risks('locked')).toEqual(['no_user_namespace']);
    const info = await engine.docker.info();
    expect(info.SecurityOptions.some((o: string) => o.includes('userns'))).toBe(false);
  });

  it('collects stats and processes of running containers', async () => {
    const { tables, samples } = await collectOnce(dockerCollector, root, { options: { host: endpoint } });
    expect(tables.docker_container_stats!.map((r) => r.name).sort()).toEqual(['agent', 'locked', 'web']);
    for (const r of tables.docker_container_stats!) {
      expect(r.pids).toBeGreaterThanOrEqual(1);
      expect(Number(r.memory_bytes)).toBeGreaterThan(0);
    }
    expect(tables.docker_container_processes!.filter((p) => p.name === 'web').map((p) => p.executable)).toEqual(['sleep']);
    expect(samples).toMatch(/hostbaseline_container_cpu_usage_seconds_total\{id="\w{12}",name="web"\} [\d.e-]+/);
    const images = tables.docker_images!;
    expect(images).toContainEqual(expect.objectContaining({ tags: 'busybox:hb', layers: 1 }));
  });

  it('reports filesystem changes behind its option', async () => {
    engine.cli(['exec', 'web', 'touch', '/created-by-test']);
    const { tables } = await collectOnce(dockerCollector, root, { options: { host: endpoint, changes: true } });
    expect(tables.docker_container_changes).toContainEqual(expect.objectContaining({ name: 'web', path: '/created-by-test', kind: 'added' }));
  });

  it('after dockerd stops: engine down, no error, and the engine is not started again', async () => {
    await engine.stop();
    const { state, samples } = await collectOnce(dockerCollector, root, { options: { host: endpoint } });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(samples).toBe('hostbaseline_container_engine_up 0\n');
    // Discovery through the host root finds no running dockerd here and does not connect.
    const discovered = await collectOnce(dockerCollector, root);
    expect(discovered.samples).toBe('hostbaseline_container_engine_up 0\n');
    const dockerds = execFileSync('sh', ['-c', 'pgrep -a -x dockerd || true'], { encoding: 'utf8' });
    expect(dockerds.split('\n').filter((l) => l.includes(engine.socket))).toEqual([]);
  });
});
