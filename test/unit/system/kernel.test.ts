import { describe, expect, it } from 'vitest';
import { kernel } from '../../../src/collectors/system/kernel.js';
import { parseCmdline, parseProcVersion, rebootPending, releaseOfImage, sortReleasesNewestFirst } from '../../../src/collectors/system/kernel.parse.js';
import { compareDebianVersions, compareVersionPart } from '../../../src/collectors/system/debian-version.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithDirAt, rootWithFifoAt, rootWithLoopAt } from './roots.js';

// Captured on the development machine (a Firecracker VM).
const REAL_VERSION = 'Linux version 6.18.44-fc-v657 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0\n';
const REAL_CMDLINE =
  'mitigations=auto,no_guest_host,no_guest_guest console=ttyS0 quiet reboot=k panic=1 nomodule random.trust_cpu=1 swiotlb=noforce psi=1 nvproxy.enable=1 page_reporting.page_reporting_order=11 deferred_init=lazy nested_pvm=1 cpuidle_haltpoll.force=1 haltpoll.guest_halt_poll_ns=0 sched_vcpu_pack=15 rdinit=/process_api -- --firecracker-init --addr 0.0.0.0:2024 --max-ws-buffer-size 32768 --block-local-connections --log-vsock-port 5002 --control-vsock-port 5001 --listen-vsock-port 2024 --tcp-readiness-only --auth-required\n';

describe('Debian version ordering', () => {
  it('compares digit runs as numbers and ~ before everything', () => {
    expect(compareVersionPart('6.1.0-18-amd64', '6.1.0-9-amd64')).toBeGreaterThan(0);
    expect(compareVersionPart('6.1.0-9-amd64', '6.1.0-18-amd64')).toBeLessThan(0);
    expect(compareVersionPart('5.10.0-28-amd64', '6.1.0-9-amd64')).toBeLessThan(0);
    expect(compareVersionPart('1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareVersionPart('1.0', '1.0a')).toBeLessThan(0);
    expect(compareVersionPart('1.01', '1.1')).toBe(0);
    expect(compareVersionPart('5.14.0-362.8.1.el9_3.x86_64', '5.14.0-362.13.1.el9_3.x86_64')).toBeLessThan(0);
    expect(compareDebianVersions('1:1.0', '2.0')).toBeGreaterThan(0);
    expect(compareDebianVersions('1.0-2', '1.0-10')).toBeLessThan(0);
  });
  it('sorts kernel releases newest first', () => {
    expect(sortReleasesNewestFirst(['6.1.0-9-amd64', '6.1.0-18-amd64', '6.1.0-17-amd64', '6.1.0-18-amd64'])).toEqual([
      '6.1.0-18-amd64',
      '6.1.0-17-amd64',
      '6.1.0-9-amd64',
    ]);
  });
});

describe('parseProcVersion', () => {
  it('reads release, build string and the nested compiler group of a real /proc/version', () => {
    expect(parseProcVersion(REAL_VERSION)).toEqual({
      release: '6.18.44-fc-v657',
      version: '#1 SMP PREEMPT_DYNAMIC @0',
      compiler: 'gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46',
    });
  });
  it('handles a truncated line and rejects garbage', () => {
    expect(parseProcVersion('Linux version 6.1.0-17-amd64 (debian-kernel@lists')).toMatchObject({ release: '6.1.0-17-amd64', version: '' });
    expect(parseProcVersion('\u0000\u0001garbage')).toBeNull();
    expect(parseProcVersion('')).toBeNull();
  });
});

describe('parseCmdline', () => {
  it('splits the real command line, stops at -- and flags rdinit', () => {
    const { params, initArgs } = parseCmdline(REAL_CMDLINE);
    expect(params.map((p) => p.name)).toContain('nomodule');
    expect(params.find((p) => p.name === 'mitigations')).toMatchObject({ value: 'auto,no_guest_host,no_guest_guest', concern: '' });
    expect(params.find((p) => p.name === 'rdinit')?.concern).toBe('initramfs init replaced by /process_api');
    expect(params.some((p) => p.name.startsWith('--'))).toBe(false);
    expect(initArgs).toBe(14);
  });
  it('flags protections switched off, with - and _ alike', () => {
    const { params } = parseCmdline('init=/bin/sh selinux=0 apparmor=0 mitigations=off nokaslr module.sig_enforce=0 module.sig-enforce=1 systemd.debug_shell init=/sbin/init quiet');
    const concerns = params.map((p) => `${p.name}=${p.concern}`);
    expect(concerns).toEqual([
      'init=init replaced by /bin/sh',
      'selinux=SELinux disabled',
      'apparmor=AppArmor disabled',
      'mitigations=CPU vulnerability mitigations off',
      'nokaslr=kernel address space layout randomisation off',
      'module.sig_enforce=module signature enforcement off',
      'module.sig-enforce=',
      'systemd.debug_shell=debug shell on tty9',
      'init=',
      'quiet=',
    ]);
  });
  it('keeps quoted values together and survives garbage', () => {
    expect(parseCmdline('dyndbg="file foo.c +p" ro').params.map((p) => [p.name, p.value])).toEqual([
      ['dyndbg', 'file foo.c +p'],
      ['ro', null],
    ]);
    expect(parseCmdline('"unterminated quote').params).toHaveLength(1);
    expect(parseCmdline('').params).toEqual([]);
  });
});

describe('secrets on the command line', () => {
  it('redacts credential parameters and URL user info, nothing else', () => {
    const { params } = parseCmdline(
      'rd.iscsi.password=hunter2 rd.iscsi.in.password=s3 rd.luks.key=/keyfile inst.ks=http://admin:pw@10.0.0.1/ks.cfg netroot=iscsi:user:pw@10.0.0.2::3260::iqn.x spec_store_bypass_disable=off vconsole.keymap=de',
    );
    expect(params.map((p) => `${p.name}=${p.value}`)).toEqual([
      'rd.iscsi.password=<redacted>',
      'rd.iscsi.in.password=<redacted>',
      'rd.luks.key=/keyfile', // a key file's path is a fact, not the key
      'inst.ks=http://admin:<redacted>@10.0.0.1/ks.cfg',
      'netroot=iscsi:user:<redacted>@10.0.0.2::3260::iqn.x',
      'spec_store_bypass_disable=off',
      'vconsole.keymap=de',
    ]);
    expect(params.find((p) => p.name === 'spec_store_bypass_disable')?.concern).toBe('SSB mitigation off');
  });
});

describe('installed kernels and reboot', () => {
  it('recognises image names', () => {
    expect(releaseOfImage('vmlinuz-6.1.0-18-amd64')).toBe('6.1.0-18-amd64');
    expect(releaseOfImage('vmlinuz-0-rescue-3d1219c7c4c5404aaa1f6d2a48adfda4')).toBeNull();
    expect(releaseOfImage('vmlinuz-6.1.0-18-amd64.old')).toBeNull();
    expect(releaseOfImage('initrd.img-6.1.0-18-amd64')).toBeNull();
    expect(releaseOfImage('vmlinuz')).toBeNull();
  });
  it('is pending when a newer kernel is installed (numeric order, not text order)', () => {
    expect(rebootPending('6.1.0-9-amd64', ['6.1.0-9-amd64', '6.1.0-18-amd64'], false)).toEqual({ pending: true, reason: 'newer_kernel_installed', newest: '6.1.0-18-amd64' });
    expect(rebootPending('6.1.0-18-amd64', ['6.1.0-9-amd64', '6.1.0-18-amd64'], false)).toMatchObject({ pending: false, reason: 'none' });
    expect(rebootPending('6.1.0-18-amd64', [], true)).toMatchObject({ pending: true, reason: 'reboot_required_file' });
    expect(rebootPending('6.1.0-18-amd64', [], false)).toMatchObject({ pending: false, newest: '' });
  });
});

describe('kernel collector', () => {
  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(kernel, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.kernel).toEqual([
      expect.objectContaining({
        release: '6.1.0-17-amd64',
        version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)',
        running_installed: true,
        newest_installed: '6.1.0-18-amd64',
        installed_kernels: 3,
        reboot_pending: true,
        reboot_reason: 'newer_kernel_installed,reboot_required_file',
        cmdline_concerns: 2,
      }),
    ]);
    expect(tables.kernel_installed!.map((r) => [r.release, r.running, r.newest])).toEqual([
      ['6.1.0-17-amd64', true, false],
      ['6.1.0-18-amd64', false, true],
      ['6.1.0-9-amd64', false, false],
    ]);
    // console= twice with different values: both kept
    expect(tables.kernel_cmdline!.filter((r) => r.name === 'console')).toHaveLength(2);
  });

  it('succeeds with no rows on an empty root', async () => {
    const { state, tables } = await collectOnce(kernel, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(Object.values(tables).flat()).toEqual([]);
  });

  it('fails on a /proc/version that is not one, and on a directory or FIFO in its place', async () => {
    expect((await collectOnce(kernel, hostRoot({ 'proc/version': 'garbage\n' }))).state.lastError).toMatch(/\/proc\/version: does not start with/);
    expect((await collectOnce(kernel, rootWithDirAt('proc/version'))).state.lastError).toMatch(/\/proc\/version: not a regular file/);
    expect((await collectOnce(kernel, rootWithFifoAt('proc/version'))).state.lastError).toMatch(/\/proc\/version: not a regular file/);
  });

  it('fails on an oversized /proc/cmdline and on a symlink loop', async () => {
    const big = hostRoot({ 'proc/cmdline': 'x'.repeat(5000) });
    expect((await collectOnce(kernel, big, { maxFileBytes: 4096 })).state.lastError).toMatch(/\/proc\/cmdline: file too large/);
    expect((await collectOnce(kernel, rootWithLoopAt('proc/version'))).state.lastError).toMatch(/\/proc\/version: too many levels of symbolic links/);
  });
});
