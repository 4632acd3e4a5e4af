import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { limits } from '../../../src/collectors/system/limits.js';
import type { TableSpec } from '../../../src/collectors/types.js';
import { aggregateRows, DriftDiffer } from '../../../src/drift/differ.js';
import { decodeRow, encodeRow, sameValue } from '../../../src/drift/values.js';
import { processes } from '../../../src/collectors/processes/processes.js';
import type { EventSink, SecurityEvent } from '../../../src/events/types.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

function sink() {
  const events: SecurityEvent[] = [];
  const s: EventSink = { emit: (_src, e) => events.push(e), dropped: () => {} };
  return { s, events };
}

const differ = (state: string, s: EventSink, log = memoryLogger()) => new DriftDiffer({ sink: s, stateDir: state, log, maxPerTable: 1000 });

describe('values that compare correctly', () => {
  it('keeps unlimited, unknown and absent apart through a save and load', () => {
    const row = { unlimited: Infinity, floor: -Infinity, unknown: NaN, absent: null, zero: 0, text: 'unlimited' };
    const back = decodeRow(JSON.parse(JSON.stringify(encodeRow(row))));
    expect(back).toEqual(row);
    expect(sameValue(Infinity, null)).toBe(false);
    expect(sameValue(NaN, null)).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(Infinity, 'unlimited')).toBe(false);
  });

  it('init_rlimits of the fixture host: a restart emits no event, a real change one', async () => {
    const { tables } = await collectOnce(limits, fixturePath('host-a'));
    const rows = tables.init_rlimits!;
    expect(rows.some((r) => r.value === Infinity)).toBe(true);
    const state = tempDir();
    differ(state, sink().s).onTables('limits', limits.tables, [{ name: 'init_rlimits', rows }], 1);
    const after = sink();
    const d2 = differ(state, after.s);
    d2.onTables('limits', limits.tables, [{ name: 'init_rlimits', rows }], 2);
    expect(after.events).toEqual([]);
    const capped = rows.map((r) => (r.value === Infinity ? { ...r, value: 1024 } : r));
    d2.onTables('limits', limits.tables, [{ name: 'init_rlimits', rows: capped.slice(0, 1).concat(rows.slice(1)) }], 3);
    const firstUnlimited = rows[0]!.value === Infinity;
    expect(after.events.length).toBe(firstUnlimited ? 1 : 0);
  });
});

describe('a corrupt baseline', () => {
  const users: TableSpec = { name: 'users', key: ['name'], description: 'users', drift: true };
  const cases: [string, string][] = [
    ['garbage', '\x00\x01not json at all'],
    ['truncated', '{"version":2,"collector":"users","table":"users","identity":["name"],"rows":[{"name":"al'],
    ['valid JSON of the wrong shape', '{"version":2,"collector":"users","table":"users","identity":["name"],"rows":{"name":"alice"}}'],
    ['rows that are not rows', '{"version":2,"collector":"users","table":"users","identity":["name"],"rows":[["alice"]]}'],
    ['an array', '[1,2,3]'],
  ];
  it.each(cases)('%s: logged once, rebuilt, and drift works again', (_what, text) => {
    const state = tempDir();
    mkdirSync(`${state}/drift`);
    writeFileSync(`${state}/drift/users.users.json`, text);
    const log = memoryLogger();
    const a = sink();
    const d = differ(state, a.s, log);
    d.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }] }], 1);
    d.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }] }], 2);
    d.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }, { name: 'eve', uid: 0 }] }], 3);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot', 'hostbaseline.drift.added']);
    const warned = log.lines.filter((l) => l.includes('drift baseline is corrupt'));
    expect(warned.length).toBe(1);
    expect(log.lines.filter((l) => l.includes('drift comparison failed'))).toEqual([]);
    // The file was replaced by a good one: a new process reads it without complaint.
    const log2 = memoryLogger();
    const b = sink();
    differ(state, b.s, log2).onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }, { name: 'eve', uid: 0 }] }], 4);
    expect(b.events).toEqual([]);
    expect(log2.lines.filter((l) => l.includes('corrupt'))).toEqual([]);
  });

  it('a symlink planted at a temporary name does not make a save overwrite its target', () => {
    const state = tempDir();
    const victim = `${tempDir()}/victim`;
    writeFileSync(victim, 'precious');
    mkdirSync(`${state}/drift`);
    // The old, predictable temporary names, and the file itself, all point at the victim.
    for (const pid of [process.pid, 1, 2, 3]) symlinkSync(victim, `${state}/drift/users.users.json.${pid}.tmp`);
    const d = differ(state, sink().s);
    d.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }] }], 1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(JSON.parse(readFileSync(`${state}/drift/users.users.json`, 'utf8')).rows).toEqual([{ name: 'alice', uid: 1000 }]);
  });

  it('a symlink planted at the baseline file itself is replaced, not followed, and not read', () => {
    const state = tempDir();
    const victim = `${tempDir()}/victim`;
    writeFileSync(victim, '{"version":2,"collector":"users","table":"users","identity":["name"],"rows":[]}');
    mkdirSync(`${state}/drift`);
    symlinkSync(victim, `${state}/drift/users.users.json`);
    const log = memoryLogger();
    const a = sink();
    differ(state, a.s, log).onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000 }] }], 1);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot']);
    expect(log.lines.some((l) => l.includes('symbolic link'))).toBe(true);
    expect(readFileSync(victim, 'utf8')).toContain('"rows":[]');
    expect(existsSync(`${state}/drift/users.users.json`)).toBe(true);
  });
});

describe('the processes drift policy (aggregate)', () => {
  const policy = processes.tables.find((t) => t.name === 'processes')!.drift;
  const spec = processes.tables.filter((t) => t.name === 'processes');
  const NOW = 1_700_000_000_000;
  const proc = (pid: number, exe: string, ageS: number, extra: Record<string, string | number | boolean | null> = {}) => ({
    pid,
    ppid: 1,
    name: exe.split('/').pop()!,
    kernel_thread: false,
    exe,
    exe_sha256: 'a'.repeat(64),
    user: 'root',
    container_id: '',
    unit: 'cron.service',
    start_time: NOW / 1000 - ageS,
    cmdline: `${exe} --secret`,
    ...extra,
  });
  const kthread = (pid: number, name: string) => ({ pid, ppid: 2, name, kernel_thread: true, exe: '', exe_sha256: null, user: 'root', container_id: '', unit: '', start_time: NOW / 1000 - 3600 });

  it('is an aggregate on executable, hash, user, container and unit', () => {
    expect(policy).toMatchObject({ on: 'aggregate', by: ['exe', 'exe_sha256', 'user', 'container_id', 'unit', 'kernel_thread_name'] });
  });

  it('pids, short-lived processes and kernel worker renames are no drift; a new long-running executable is', () => {
    const a = sink();
    const d = differ(tempDir(), a.s);
    const base = [proc(100, '/usr/sbin/cron', 3600), proc(200, '/usr/sbin/sshd', 3600, { unit: 'ssh.service' }), kthread(300, 'kworker/0:1-events'), kthread(301, 'ksoftirqd/0')];
    d.onTables('processes', spec, [{ name: 'processes', rows: base }], NOW);
    // New pids for the same programs, 50 short-lived children, kernel workers renamed, a login session number.
    const churn = [
      proc(1100, '/usr/sbin/cron', 3600),
      proc(1200, '/usr/sbin/sshd', 3600, { unit: 'ssh.service' }),
      proc(1201, '/usr/sbin/sshd', 10, { unit: 'ssh.service' }),
      kthread(1300, 'kworker/3:2-mm_percpu_wq'),
      kthread(1301, 'ksoftirqd/3'),
      ...Array.from({ length: 50 }, (_, i) => proc(2000 + i, '/usr/bin/true', 0)),
    ];
    d.onTables('processes', spec, [{ name: 'processes', rows: churn }], NOW + 30_000);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot']);
    // A miner that keeps running: news once it has run 5 minutes, with its count, never its command line.
    const miner = [proc(5000, '/tmp/.x/miner', 200, { user: 'www-data', unit: 'apache2.service' }), proc(5001, '/tmp/.x/miner', 200, { user: 'www-data', unit: 'apache2.service' })];
    d.onTables('processes', spec, [{ name: 'processes', rows: [...churn.slice(0, 5), ...miner] }], NOW + 60_000);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot']);
    d.onTables('processes', spec, [{ name: 'processes', rows: [...churn.slice(0, 5), ...miner] }], NOW + 120_000);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot', 'hostbaseline.drift.added']);
    const added = a.events[1]!;
    expect(added.attributes['process.executable.path']).toBe('/tmp/.x/miner');
    expect(added.attributes['hostbaseline.drift.row']).toMatchObject({ exe: '/tmp/.x/miner', user: 'www-data', unit: 'apache2.service', processes: 2 });
    expect(added.body).toBe('executable /tmp/.x/miner run by www-data in apache2.service (2 processes) added');
    expect(JSON.stringify(added)).not.toContain('--secret');
    expect(added.attributes['hostbaseline.drift.row']).not.toHaveProperty('last_seen');
    // It stops: gone only once nothing of it has run for 5 minutes.
    d.onTables('processes', spec, [{ name: 'processes', rows: churn.slice(0, 5) }], NOW + 150_000);
    d.onTables('processes', spec, [{ name: 'processes', rows: churn.slice(0, 5) }], NOW + 400_000);
    expect(a.events.length).toBe(2);
    d.onTables('processes', spec, [{ name: 'processes', rows: churn.slice(0, 5) }], NOW + 430_000);
    expect(a.events.slice(2).map((e) => e.body)).toEqual(['executable /tmp/.x/miner run by www-data in apache2.service (2 processes) removed']);
  });

  it('a restart keeps known groups even when their only process is younger than the settle time', () => {
    const state = tempDir();
    const rows = [proc(100, '/usr/bin/node', 3600)];
    differ(state, sink().s).onTables('processes', spec, [{ name: 'processes', rows }], NOW);
    const b = sink();
    // The exporter itself restarted: same executable, a new pid 5 s old.
    differ(state, b.s).onTables('processes', spec, [{ name: 'processes', rows: [proc(900, '/usr/bin/node', 5)] }], NOW + 10_000);
    expect(b.events).toEqual([]);
  });

  it('aggregateRows normalises kernel thread names and login sessions', () => {
    if (!policy || policy === true || policy.on !== 'aggregate') throw new Error('not an aggregate');
    const rows = aggregateRows(policy, [kthread(1, 'kworker/u8:0-events_unbound'), kthread(2, 'kworker/1:1H-kblockd'), proc(3, '/bin/bash', 1000, { unit: 'session-4.scope' }), proc(4, '/bin/bash', 1000, { unit: 'session-17.scope' })], NOW, null);
    expect(rows).toEqual([
      { exe: '', exe_sha256: null, user: 'root', container_id: '', unit: '', kernel_thread_name: 'kworker', processes: 2, last_seen: NOW / 1000 },
      { exe: '/bin/bash', exe_sha256: 'a'.repeat(64), user: 'root', container_id: '', unit: 'session-N.scope', kernel_thread_name: '', processes: 2, last_seen: NOW / 1000 },
    ]);
  });
});

describe('the unix_listening drift policy (aggregate)', () => {
  it('folds container ids, temporary directory suffixes and numbers out of socket paths', async () => {
    const { socketPathPattern } = await import('../../../src/collectors/network/proc-net.parse.js');
    expect(socketPathPattern('/run/containerd/s/07be589dfd81cb1900d93c080b3b1ad2fe239f5eb44e957ee42c5490895f6abc')).toBe('/run/containerd/s/*');
    expect(socketPathPattern('/tmp/hb-dockerd-wpUKRr/docker.sock')).toBe('/tmp/hb-dockerd-*/docker.sock');
    expect(socketPathPattern('/run/user/1000/bus')).toBe('/run/user/N/bus');
    expect(socketPathPattern('/run/mysqld/mysqld.sock')).toBe('/run/mysqld/mysqld.sock');
    expect(socketPathPattern('/var/run/backup')).toBe('/var/run/backup');
  });

  it('a container start and stop makes no drift; a new service socket does, once', async () => {
    const { listeningPorts } = await import('../../../src/collectors/network/listening-ports.js');
    const spec = listeningPorts.tables.filter((t) => t.name === 'unix_listening');
    const sock = (path: string, exe: string) => ({ netns: 4026531840, path, type: 'stream', inode: Math.floor(Math.random() * 1e6), pid: 1, process: '', exe });
    const base = [sock('/run/containerd/containerd.sock', '/usr/bin/containerd'), sock('/run/containerd/s/' + 'a'.repeat(64), '/usr/bin/containerd-shim-runc-v2')];
    const a = sink();
    const d = differ(tempDir(), a.s);
    const T = 1_700_000_000_000;
    d.onTables('listening_ports', spec, [{ name: 'unix_listening', rows: base }], T);
    d.onTables('listening_ports', spec, [{ name: 'unix_listening', rows: [base[0]!, sock('/run/containerd/s/' + 'b'.repeat(64), '/usr/bin/containerd-shim-runc-v2')] }], T + 60_000);
    d.onTables('listening_ports', spec, [{ name: 'unix_listening', rows: [base[0]!] }], T + 120_000);
    d.onTables('listening_ports', spec, [{ name: 'unix_listening', rows: base }], T + 180_000);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot']);
    d.onTables('listening_ports', spec, [{ name: 'unix_listening', rows: [...base, sock('/tmp/.x/backdoor.sock', '/tmp/.x/nc')] }], T + 240_000);
    expect(a.events.slice(1).map((e) => e.name)).toEqual(['hostbaseline.drift.added']);
    expect(a.events[1]!.attributes['hostbaseline.drift.row']).toMatchObject({ path_pattern: '/tmp/.x/backdoor.sock', exe: '/tmp/.x/nc', sockets: 1 });
  });
});
