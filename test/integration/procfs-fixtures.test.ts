import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import type { FactRow } from '../../src/collectors/types.js';
import { parseMounts } from '../../src/host/procfs/mounts.parse.js';
import { collectOnce, tempDir, type CollectResult } from '../helpers.js';
import { extractTtar, PROCFS_TTAR } from '../support/ttar.js';

/**
 * prometheus/procfs's fixture tree (Debian golang-github-prometheus-procfs-dev): real
 * /proc and /sys files with the edge cases procfs handles, used here as a host root
 * (fixtures/proc is --path.procfs, fixtures/sys is --path.sysfs).
 */
const available = existsSync(PROCFS_TTAR);
if (!available && process.env.CI === 'true') throw new Error(`${PROCFS_TTAR} is missing: .ci/run must install golang-github-prometheus-procfs-dev`);

let root: string;
const results = new Map<string, CollectResult>();
const specs = allCollectors();

function byKey(rows: FactRow[] | undefined, key: string): Map<unknown, FactRow> {
  return new Map((rows ?? []).map((r) => [r[key], r]));
}

describe.skipIf(!available)('every collector on prometheus/procfs fixtures', () => {
  beforeAll(async () => {
    const dir = tempDir();
    extractTtar(PROCFS_TTAR, dir);
    root = path.join(dir, 'fixtures');
    for (const spec of specs) results.set(spec.name, await collectOnce(spec, root));
  }, 120_000);

  it('extracts the archive byte for byte (NUL bytes, lines without a newline, links)', () => {
    expect(readFileSync(path.join(root, 'proc/26231/cmdline'), 'latin1')).toBe('vim\0test.go\0+10\0');
    expect(readFileSync(path.join(root, 'proc/26231/comm'), 'utf8')).toBe('vim\n');
    expect(readFileSync(path.join(root, 'proc/self/comm'), 'utf8')).toBe('vim\n'); // self → 26231
  });

  it('runs every collector: each one succeeds, or fails with an error that names what is wrong', () => {
    const failed = [...results].filter(([, r]) => r.state.success !== true).map(([name, r]) => `${name}: ${r.state.lastError}`);
    // This /proc lists processes but has no mount table at all: that is an error, never an empty success.
    expect(failed.sort()).toEqual([
      'disk_encryption: no mount table: none of /proc/1/mounts, /proc/1/mountinfo, /proc/mounts, /proc/self/mounts, /proc/self/mountinfo exists though /proc lists processes',
      'mounts: no mount table: none of /proc/1/mounts, /proc/1/mountinfo, /proc/mounts, /proc/self/mounts, /proc/self/mountinfo exists though /proc lists processes',
    ]);
    expect(results.size).toBe(specs.length);
  });

  describe('software_raid on its 17 md arrays', () => {
    let md: Map<unknown, FactRow>;
    let samples: string;
    beforeAll(() => {
      md = byKey(results.get('software_raid')!.tables.md_arrays, 'array');
      samples = results.get('software_raid')!.samples;
    });

    it('reads every array', () => {
      expect(md.size).toBe(17);
      expect(results.get('software_raid')!.state.parseErrorsTotal).toBe(0);
    });

    it('an inactive array is inactive: no active disks, not healthy, and its failed member counts', () => {
      expect(md.get('md4')).toMatchObject({
        state: 'inactive',
        active: false,
        raid_disks: 2,
        active_disks: 0,
        degraded: 2,
        failed_members: 1,
        spare_members: 1,
      });
      expect(samples).toContain('hostbaseline_md_array_active{array="md4"} 0');
      expect(samples).toContain('hostbaseline_md_array_active{array="md0"} 1');
      // An IMSM container is inactive by design and lists no disk counts.
      expect(md.get('md219')).toMatchObject({ state: 'inactive', level: '', raid_disks: null, degraded: 0, spare_members: 3 });
    });

    it('failed (F) members are counted even when the array is not degraded', () => {
      expect(md.get('md9')).toMatchObject({ status: 'UUUU', degraded: 0, failed_members: 2, spare_members: 1 });
      expect(md.get('md7')).toMatchObject({ status: 'U_UU', degraded: 1, failed_members: 1 });
      expect(md.get('md6')).toMatchObject({ degraded: 1, failed_members: 1, sync_action: 'recovery', sync_percent: 8.5 });
      expect(samples).toContain('hostbaseline_md_array_failed_members{array="md9"} 2');
    });

    it('a DELAYED or PENDING resync is waiting, not running', () => {
      expect(md.get('md9')).toMatchObject({ sync_action: '', sync_percent: null, sync_waiting: 'resync delayed' });
      expect(md.get('md11')).toMatchObject({ sync_action: '', sync_percent: null, sync_waiting: 'resync pending', read_only: true });
      expect(md.get('md8')).toMatchObject({ sync_action: 'resync', sync_percent: 8.5, sync_waiting: '' });
      expect(md.get('md201')).toMatchObject({ sync_action: 'check', sync_percent: 5.7 });
      expect(samples).not.toMatch(/md_array_sync_percent\{array="md(9|11)"/);
    });

    it('raid0 and linear arrays count their disks', () => {
      expect(md.get('md10')).toMatchObject({ level: 'raid0', raid_disks: 2, active_disks: 2, degraded: 0 });
      expect(md.get('md101')).toMatchObject({ level: 'raid0', raid_disks: 3, active_disks: 3, read_only: true });
      expect(md.get('md00')).toMatchObject({ level: 'raid0', raid_disks: 1, active_disks: 1 });
      expect(md.get('md120')).toMatchObject({ level: 'linear', raid_disks: 2, active_disks: 2 });
      expect(md.get('md3')).toMatchObject({ level: 'raid6', raid_disks: 8, active_disks: 8, members: 10, spare_members: 2 });
    });
  });

  it('processes: pid directories without stat are counted, not lost', () => {
    const r = results.get('processes')!;
    // 26233 has only cmdline and schedstat, 26234 only maps.
    expect(r.tables.processes!.map((p) => p.pid as number).sort((a, b) => a - b)).toEqual([584, 26231, 26232]);
    expect(r.tables.process_summary).toEqual([expect.objectContaining({ processes: 3, vanished: 2 })]);
    expect(r.samples).toContain('hostbaseline_processes_unread 2');
    const p = byKey(r.tables.processes, 'pid');
    expect(p.get(584)).toMatchObject({ name: '(a b ) ( c d) ', ppid: 28378, state: 'running' });
    expect(p.get(26231)).toMatchObject({ name: 'vim', cmdline: 'vim test.go +10', exe: '/usr/bin/vim', uid: 1000, fds_file: 5 });
    expect(p.get(26231)!.env_names).toBe('GOLANG_VERSION,GOPATH,HOME,HOSTNAME,PATH,TERM'); // names, never values
    expect(p.get(26232)).toMatchObject({ name: 'ata_sff', kernel_thread: true, wx_mappings: 1 });
  });

  it('network: listeners, ARP and interfaces as procfs reads them', () => {
    const ports = results.get('listening_ports')!.tables;
    expect(ports.listening_ports!.map((r) => `${r.protocol} ${r.address}:${r.port} x${r.sockets}`)).toEqual([
      'tcp 0.0.0.0:22 x2',
      'tcp 10.0.0.5:22 x1',
      'udp :::5355 x1',
      'udp fe80::56e1:adff:fe7c:6609:51073 x1',
    ]);
    expect(ports.unix_listening!.map((r) => r.path)).toEqual(['/run/udev/control', '/var/run/postgresql/.s.PGSQL.5432']);
    expect(results.get('arp')!.tables.arp_entries!.map((r) => [r.address, r.mac, r.complete])).toEqual([
      ['192.168.224.1', '00:50:56:c0:00:08', true],
      ['192.168.224.2', '00:00:00:00:00:00', false],
    ]);
    expect(results.get('interfaces')!.tables.interfaces).toEqual([
      expect.objectContaining({ interface: 'eth0', mtu: 1500, promiscuous: true, speed_mbps: 1000 }),
    ]);
  });

  it('system: CPU time, memory, load, DMI', () => {
    const cpu = byKey(results.get('cpu')!.tables.cpu_time, 'mode');
    expect(cpu.get('user')!.seconds).toBe(3018.54);
    expect(cpu.get('idle')!.seconds).toBe(89790.04);
    expect(results.get('cpu')!.tables.cpu_model).toEqual([expect.objectContaining({ vendor: 'GenuineIntel', logical_cpus: 8 })]);
    expect(byKey(results.get('memory')!.tables.memory, 'field').get('MemTotal')!.bytes).toBe(15666184 * 1024);
    expect(results.get('uptime')!.tables.uptime).toEqual([expect.objectContaining({ load1: 0.02, tasks: 497, boot_time_seconds: 1418183276 })]);
    expect(results.get('dmi')!.tables.dmi).toEqual([
      expect.objectContaining({ sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R6515', bios_version: '2.2.4' }),
    ]);
    // Serial numbers leave the host only as hashes.
    expect(JSON.stringify(results.get('dmi')!.tables)).not.toMatch(/"product_serial"/);
  });
});

describe.skipIf(!available)('mounts from /proc/<pid>/mountinfo alone', () => {
  it('equal what /proc/<pid>/mounts shows for the same namespace', async () => {
    const dir = tempDir();
    extractTtar(PROCFS_TTAR, dir);
    const fixtureRoot = path.join(dir, 'fixtures');
    // This machine's own tables, read back to back: /proc/self is 26231 in the fixture tree.
    let info = '';
    let mounts = '';
    for (let i = 0; i < 5 && (info === '' || parseMounts(mounts).length !== info.trim().split('\n').length); i++) {
      info = readFileSync('/proc/self/mountinfo', 'utf8');
      mounts = readFileSync('/proc/self/mounts', 'utf8');
    }
    writeFileSync(path.join(fixtureRoot, 'proc/26231/mountinfo'), info);
    const spec = specs.find((s) => s.name === 'mounts')!;
    const r = await collectOnce(spec, fixtureRoot);
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.mount_summary).toEqual([expect.objectContaining({ source: '/proc/self/mountinfo' })]);
    const expected = parseMounts(mounts);
    const got = r.tables.mounts!;
    expect(got.length).toBe(expected.length);
    expect(got.length).toBeGreaterThan(0);
    const ident = (device: unknown, mountpoint: unknown, fstype: unknown) => `${device} ${mountpoint} ${fstype}`;
    expect(got.map((m) => ident(m.device, m.mountpoint, m.fstype)).sort()).toEqual(expected.map((m) => ident(m.device, m.mountpoint, m.fstype)).sort());
    for (const e of expected) {
      const m = got.find((g) => g.mountpoint === e.mountpoint && g.device === e.device)!;
      expect(new Set(String(m.options).split(',')), e.mountpoint).toEqual(new Set(e.options));
    }
  });
});
