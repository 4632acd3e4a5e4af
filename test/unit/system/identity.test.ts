import { describe, expect, it } from 'vitest';
import { identity } from '../../../src/collectors/system/identity.js';
import { countCpuinfoProcessors, countCpuList, normaliseDomain, parseEtcHostname, validMachineId } from '../../../src/collectors/system/identity.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithFifoAt, rootWithLoopAt } from './roots.js';

describe('identity parsers', () => {
  it('counts CPU range lists (this machine: 0-1)', () => {
    expect(countCpuList('0-1\n')).toBe(2);
    expect(countCpuList('0-3,8-11,16')).toBe(9);
    expect(countCpuList('0')).toBe(1);
    expect(countCpuList('')).toBe(0);
    expect(countCpuList('3-1')).toBeNull();
    expect(countCpuList('0-')).toBeNull();
    expect(countCpuList('garbage')).toBeNull();
  });
  it('counts processors of /proc/cpuinfo', () => {
    expect(countCpuinfoProcessors('processor\t: 0\nvendor_id\t: AuthenticAMD\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n')).toBe(2);
    expect(countCpuinfoProcessors('garbage')).toBe(0);
  });
  it('validates machine-ids and hostnames', () => {
    expect(validMachineId('3d1219c7c4c5404aaa1f6d2a48adfda4\n')).toBe(true); // this machine
    expect(validMachineId('uninitialized\n')).toBe(false);
    expect(validMachineId('')).toBe(false);
    expect(validMachineId('3d1219c7c4c5404aaa1f6d2a48adfda')).toBe(false); // truncated
    expect(parseEtcHostname('# set by cloud-init\n\nweb-01\n')).toBe('web-01');
    expect(parseEtcHostname('')).toBe('');
    expect(normaliseDomain('(none)\n')).toBe('');
    expect(normaliseDomain('corp.example\n')).toBe('corp.example');
  });
});

describe('identity collector', () => {
  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(identity, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.host_identity).toEqual([
      {
        hostname: 'web-01',
        configured_hostname: 'web-01',
        hostname_matches_config: true,
        domainname: '',
        machine_id: '3d1219c7c4c5404aaa1f6d2a48adfda4',
        machine_id_source: '/etc/machine-id',
        machine_id_valid: true,
        boot_id: '2a3bb107-9db9-47e2-9d57-6c329d4ccc5c',
        cpus: 2,
        cpus_source: '/sys/devices/system/cpu/online',
      },
    ]);
  });
  it('falls back to the D-Bus machine-id and /proc/cpuinfo, and flags a renamed host', async () => {
    const root = hostRoot({
      'proc/sys/kernel/hostname': 'renamed\n',
      'etc/hostname': 'web-01\n',
      'var/lib/dbus/machine-id': 'uninitialized\n',
      'proc/cpuinfo': 'processor\t: 0\n\nprocessor\t: 1\n\nprocessor\t: 2\n',
    });
    const { tables } = await collectOnce(identity, root);
    expect(tables.host_identity![0]).toMatchObject({
      hostname: 'renamed',
      hostname_matches_config: false,
      machine_id: '',
      machine_id_source: '/var/lib/dbus/machine-id',
      machine_id_valid: false,
      cpus: 3,
      cpus_source: '/proc/cpuinfo',
    });
  });
  it('succeeds with no rows on an empty root', async () => {
    const { state, tables } = await collectOnce(identity, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.host_identity).toEqual([]);
  });
  it('fails on a garbage CPU list, a FIFO or a symlink loop', async () => {
    expect((await collectOnce(identity, hostRoot({ 'sys/devices/system/cpu/online': 'zero to one\n' }))).state.lastError).toMatch(/online: not a CPU range list/);
    expect((await collectOnce(identity, rootWithFifoAt('etc/machine-id'))).state.lastError).toMatch(/\/etc\/machine-id: not a regular file/);
    expect((await collectOnce(identity, rootWithLoopAt('etc/hostname'))).state.lastError).toMatch(/\/etc\/hostname: too many levels/);
  });
});
