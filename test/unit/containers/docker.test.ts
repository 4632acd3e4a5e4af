import { mkdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerApi } from '../../../src/collectors/containers/docker-api.js';
import { createDockerCollector } from '../../../src/collectors/containers/docker.js';
import { riskReasons, statsRow, topRows } from '../../../src/collectors/containers/docker.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

const recorded = (f: string) => JSON.parse(readFileSync(fixturePath(`docker/${f}`), 'utf8'));

/** An engine that answers with recorded API responses. */
function recordedEngine(overrides: Partial<DockerApi> = {}): DockerApi {
  const inspect = recorded('privileged-inspect.json');
  return {
    info: async () => recorded('info.json'),
    version: async () => recorded('version.json'),
    listContainers: async () => [{ Id: inspect.Id }],
    inspectContainer: async () => inspect,
    stats: async () => ({ cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } }, memory_stats: { usage: 10_000_000, stats: { inactive_file: 1_000_000 } }, networks: { eth0: { rx_bytes: 10, tx_bytes: 20 } }, blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 4096 }, { op: 'Write', value: 8192 }] }, pids_stats: { current: 3 } }),
    top: async () => ({ Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'], Processes: [['root', '4242', '1', '0', '10:00', '?', '00:00:00', '/agent --token=abc123 --verbose']] }),
    changes: async () => [{ Path: '/etc/passwd', Kind: 0 }, { Path: '/tmp/x', Kind: 1 }],
    listImages: async () => [{ Id: 'sha256:ef52c4896e0ced72afd07d676489738cd6c1dd51479f5b19c1d8faf4c95750fb', RepoTags: ['agent:1.2'], Size: 1234, Created: 1700000000 }],
    inspectImage: async () => ({ RootFS: { Layers: ['a', 'b', 'c'] } }),
    listVolumes: async () => ({ Volumes: [{ Name: 'data', Driver: 'local', Mountpoint: '/var/lib/docker/volumes/data/_data' }] }),
    listNetworks: async () => [{ Id: 'abcdef0123456789', Name: 'host', Driver: 'host', Scope: 'local' }],
    ...overrides,
  };
}

const withEngine = (api: DockerApi) => createDockerCollector({ connect: () => api, env: {} });
const root = fixturePath('host-empty');

describe('docker collector with a recorded privileged container', () => {
  it('flags privileged, host namespaces, the engine socket, a sensitive mount and unconfined profiles', async () => {
    const { state, tables, samples } = await collectOnce(withEngine(recordedEngine()), root, { options: { host: 'unix:///recorded.sock' } });
    expect(state.success, state.lastError ?? '').toBe(true);
    const reasons = tables.docker_container_risks!.map((r) => r.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['privileged', 'host_network', 'host_pid', 'host_ipc', 'host_uts', 'docker_socket', 'sensitive_mount', 'no_user_namespace', 'seccomp_unconfined', 'apparmor_unconfined']),
    );
    expect(reasons).not.toContain('rw_rootfs');
    expect(reasons).not.toContain('added_capabilities');
    expect(samples).toContain('hostbaseline_container_risk{id="5e1f0c0a9b8d",name="privileged-agent",reason="privileged"} 1');
    expect(samples).toContain('hostbaseline_container_engine_up 1');
    expect(samples).toContain('hostbaseline_container_cpu_usage_seconds_total{id="5e1f0c0a9b8d",name="privileged-agent"} 2.5');
    expect(samples).toContain('hostbaseline_container_memory_usage_bytes{id="5e1f0c0a9b8d",name="privileged-agent"} 9000000');
    expect(samples).toContain('hostbaseline_container_image_layers{id="ef52c4896e0c",tags="agent:1.2"} 3');
  });

  it('lists container processes by executable only: arguments (which may hold secrets) never leave', async () => {
    const { tables, samples } = await collectOnce(withEngine(recordedEngine()), root, { options: { host: 'unix:///x' } });
    expect(tables.docker_container_processes).toEqual([{ id: '5e1f0c0a9b8d', name: 'privileged-agent', pid: 4242, user: 'root', executable: '/agent' }]);
    expect(JSON.stringify(tables) + samples).not.toContain('abc123');
  });

  it('collects filesystem changes only when asked', async () => {
    const off = await collectOnce(withEngine(recordedEngine()), root, { options: { host: 'unix:///x' } });
    expect(off.tables.docker_container_changes).toEqual([]);
    const on = await collectOnce(withEngine(recordedEngine()), root, { options: { host: 'unix:///x', changes: true } });
    expect(on.tables.docker_container_changes!.map((r) => `${r.kind} ${r.path}`)).toEqual(['modified /etc/passwd', 'added /tmp/x']);
  });
});

describe('docker collector against a bad engine', () => {
  it('an engine that hangs: the collector times out, nothing else waits', async () => {
    const hang = recordedEngine({ info: () => new Promise(() => {}) });
    const { state } = await collectOnce(withEngine(hang), root, { options: { host: 'unix:///x' }, timeout: 200 });
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/timed out/);
  });

  it('garbage instead of JSON is a failure that names the endpoint', async () => {
    // An engine (or a proxy in front of it) may answer anything at all.
    const garbage = recordedEngine({ info: async () => '<html>proxy error</html>' as never });
    const { state } = await collectOnce(withEngine(garbage), root, { options: { host: 'unix:///garbage.sock' } });
    expect(state.success).toBe(false);
    expect(state.lastError).toContain('unix:///garbage.sock');
  });

  it('an HTTP 500 is a failure that names the endpoint', async () => {
    const err = Object.assign(new Error('(HTTP code 500) server error - boom'), { statusCode: 500 });
    const broken = recordedEngine({ info: async () => Promise.reject(err) });
    const { state } = await collectOnce(withEngine(broken), root, { options: { host: 'tcp://127.0.0.1:2375' } });
    expect(state.success).toBe(false);
    expect(state.lastError).toContain('docker engine tcp://127.0.0.1:2375: (HTTP code 500)');
  });

  it('nothing listening is "engine down", not a failure', async () => {
    const refused = recordedEngine({ info: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) });
    const { state, samples } = await collectOnce(withEngine(refused), root, { options: { host: 'tcp://127.0.0.1:1' } });
    expect(state.success).toBe(true);
    expect(samples).toBe('hostbaseline_container_engine_up 0\n');
  });
});

describe('never starts dockerd', () => {
  it('does not connect to the host socket while no dockerd runs in the host process table', async () => {
    const host = tempDir('hb-nodockerd-');
    mkdirSync(path.join(host, 'var/run'), { recursive: true });
    mkdirSync(path.join(host, 'proc/1'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(host, 'proc/1/comm'), 'systemd\n');
    // A socket like systemd's docker.socket: any connection would activate the engine.
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(path.join(host, 'var/run/docker.sock'), r));
    try {
      const { state, samples } = await collectOnce(createDockerCollector({ env: {} }), host);
      expect(state.success).toBe(true);
      expect(samples).toBe('hostbaseline_container_engine_up 0\n');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('docker parsers', () => {
  it('a read-only, unprivileged container under userns-remap has no risk', () => {
    const inspect = { Id: 'x', HostConfig: { ReadonlyRootfs: true, NetworkMode: 'bridge', CapAdd: [] }, Mounts: [{ Type: 'volume' as const, Source: '/var/lib/docker/volumes/v/_data' }] };
    expect(riskReasons(inspect, true)).toEqual([]);
  });

  it('stats of an empty sample are zeros, not NaN', () => {
    const row = statsRow('x', 'n', {});
    for (const [k, v] of Object.entries(row)) if (typeof v === 'number') expect(Number.isNaN(v), k).toBe(false);
  });

  it('top with unexpected titles does not throw', () => {
    expect(topRows('x', 'n', { Titles: ['A'], Processes: [['1']] })).toHaveLength(1);
    expect(topRows('x', 'n', null)).toEqual([]);
  });
});
