import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sysctl } from '../../../src/collectors/system/sysctl.js';
import {
  applicableFiles,
  canonicalKey,
  effectiveSettings,
  keyPath,
  numericValue,
  parseSysctlConf,
} from '../../../src/collectors/system/sysctl.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

describe('sysctl keys', () => {
  it('reads dotted and slashed forms as sysctl.d(5) says', () => {
    expect(canonicalKey('net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward');
    expect(canonicalKey('net/ipv4/conf/eth0.100/rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
    expect(canonicalKey('/kernel/sysrq')).toBe('kernel.sysrq');
    expect(keyPath('net.ipv4.conf.eth0/100.rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    expect(numericValue('-1')).toBe(-1);
    expect(numericValue('32768 60999')).toBeNull();
  });
});

describe('parseSysctlConf', () => {
  it('parses assignments, comments, "-" prefixes and reports lines without "="', () => {
    const bad: number[] = [];
    const a = parseSysctlConf(
      '# c\n; c\nkernel.sysrq=0\n  net.ipv4.ip_local_port_range =  1024\t65000  \n-kernel.yama.ptrace_scope = 2\njunk line\n = 3\nfs.x =\n',
      (l) => bad.push(l),
    );
    expect(a).toEqual([
      { key: 'kernel.sysrq', value: '0', line: 3, ignoreErrors: false },
      { key: 'net.ipv4.ip_local_port_range', value: '1024 65000', line: 4, ignoreErrors: false },
      { key: 'kernel.yama.ptrace_scope', value: '2', line: 5, ignoreErrors: true },
      { key: 'fs.x', value: '', line: 8, ignoreErrors: false },
    ]);
    expect(bad).toEqual([6, 7]);
  });
});

describe('systemd-sysctl precedence', () => {
  it('a file name in an earlier directory hides the same name later; files apply sorted by name', () => {
    const files = applicableFiles([
      { dir: '/etc/sysctl.d', names: ['60-a.conf', '99-z.conf'] },
      { dir: '/run/sysctl.d', names: ['10-run.conf', '60-a.conf'] },
      { dir: '/usr/lib/sysctl.d', names: ['50-pid-max.conf', '60-a.conf', '70-b.conf'] },
      { dir: '/lib/sysctl.d', names: ['50-pid-max.conf'] },
    ]);
    expect(files).toEqual([
      '/run/sysctl.d/10-run.conf',
      '/usr/lib/sysctl.d/50-pid-max.conf',
      '/etc/sysctl.d/60-a.conf',
      '/usr/lib/sysctl.d/70-b.conf',
      '/etc/sysctl.d/99-z.conf',
    ]);
  });

  it('later files and later lines win', () => {
    const eff = effectiveSettings([
      { file: 'a', assignments: parseSysctlConf('k.x = 1\nk.y = 1\nk.x = 2\n') },
      { file: 'b', assignments: parseSysctlConf('k.y = 3\n') },
    ]);
    expect([...eff.values()].map((s) => [s.key, s.value, s.file, s.line])).toEqual([
      ['k.x', '2', 'a', 3],
      ['k.y', '3', 'b', 1],
    ]);
  });
});

describe('sysctl collector', () => {
  it('flags configured values that the live kernel contradicts on host-a', async () => {
    const r = await collectOnce(sysctl, fixturePath('host-a'));
    expect(r.state.lastError).toBeNull();
    const cfg = Object.fromEntries(r.tables.sysctl_config!.map((c) => [c.key, c]));
    // /etc/sysctl.d/50-coredump.conf -> /dev/null masks the vendor file of that name.
    expect(cfg['kernel.core_pattern']).toBeUndefined();
    // The /etc copy of 60-hardening.conf hides /usr/lib's; sysctl.conf is read once although linked from sysctl.d.
    expect(cfg['fs.protected_regular']).toMatchObject({ value: '2', file: '/etc/sysctl.d/60-hardening.conf', live: '0', mismatch: true });
    expect(cfg['net.ipv4.ip_forward']).toMatchObject({ value: '0', file: '/etc/sysctl.d/99-sysctl.conf', live: '1', mismatch: true });
    expect(cfg['kernel.pid_max']).toMatchObject({ mismatch: false });
    // Tabs in the live value, spaces in the file: the same value.
    expect(cfg['net.ipv4.ip_local_port_range']).toMatchObject({ live: '32768 60999', mismatch: false });
    expect(cfg['net.ipv4.conf.eth0/100.rp_filter']).toMatchObject({ live: '1', mismatch: false });
    // A key this kernel does not have is not a mismatch.
    expect(cfg['kernel.yama.ptrace_scope']).toMatchObject({ live: null, mismatch: false, ignore_errors: true });
    expect(r.tables.sysctl_summary).toEqual([{ scope: 'selected', keys: 18, configured_keys: 8, config_files: 3, mismatches: 4 }]);
    expect(r.samples).toContain('hostbaseline_sysctl{key="kernel.sysrq"} 176');
    expect(r.samples).toContain('hostbaseline_sysctl_info{key="kernel.core_pattern",value="|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h"} 1');
    expect(r.samples).toContain('hostbaseline_sysctl_config_mismatch{key="vm.swappiness",file="/etc/sysctl.d/60-hardening.conf"} 1');
  });

  it('reads option keys, and every key with all', async () => {
    const some = await collectOnce(sysctl, fixturePath('host-a'), { options: { keys: ['net/ipv4/conf/all/rp_filter', 'no.such.key'] } });
    expect(some.tables.sysctl!.find((r) => r.key === 'net.ipv4.conf.all.rp_filter')).toMatchObject({ numeric: 2 });
    const all = await collectOnce(sysctl, fixturePath('host-a'), { options: { all: true } });
    expect(all.tables.sysctl!.map((r) => r.key)).toContain('net.ipv4.conf.eth0/100.rp_filter');
    // Other keys of the fixture (hostname, tainted…) come along too.
    expect(all.tables.sysctl_summary![0]!.keys as number).toBeGreaterThan(some.tables.sysctl_summary![0]!.keys as number);
    expect(all.tables.sysctl_summary![0]!.scope).toBe('all');
  });

  it('an empty root succeeds with zero rows', async () => {
    const r = await collectOnce(sysctl, tempDir());
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((t) => t.length === 0)).toBe(true);
  });

  it('keeps good lines of a garbled file and fails clearly on bad sources', async () => {
    const garbled = await collectOnce(sysctl, host({ 'etc/sysctl.conf': '\x00\x01garbage\nkernel.sysrq = 1\n', 'proc/sys/kernel/sysrq': '0\n' }));
    expect(garbled.state.success).toBe(true);
    expect(garbled.state.parseErrorsTotal).toBe(1);
    expect(garbled.tables.sysctl_config).toEqual([
      { key: 'kernel.sysrq', value: '1', file: '/etc/sysctl.conf', line: 2, ignore_errors: false, live: '0', mismatch: true },
    ]);
    const big = await collectOnce(sysctl, host({ 'etc/sysctl.d/10-big.conf': 'vm.x = 1\n'.repeat(1000) }), { maxFileBytes: 1024 });
    expect(big.state.lastError).toMatch(/\/etc\/sysctl.d\/10-big.conf: file too large/);
    const dir = host({ 'proc/sys/kernel/.keep': '' });
    mkdirSync(path.join(dir, 'proc/sys/kernel/sysrq'));
    expect((await collectOnce(sysctl, dir)).state.lastError).toMatch(/\/proc\/sys\/kernel\/sysrq: not a regular file/);
    const loop = host({ 'etc/sysctl.d/.keep': '' });
    symlinkSync('b.conf', path.join(loop, 'etc/sysctl.d/a.conf'));
    symlinkSync('a.conf', path.join(loop, 'etc/sysctl.d/b.conf'));
    expect((await collectOnce(sysctl, loop)).state.lastError).toMatch(/\/etc\/sysctl.d\/a.conf: too many levels of symbolic links/);
  });
});
