import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HostFs, HostFsError } from '../../../src/host/hostfs.js';
import { tempDir } from '../../helpers.js';


describe('HostFs', () => {
  let root: string;
  let outside: string;
  let fs: HostFs;

  beforeAll(() => {
    root = tempDir('hb-root-');
    outside = tempDir('hb-outside-');
    writeFileSync(path.join(outside, 'secret'), 'outside the root\n');
    mkdirSync(path.join(root, 'etc/alternatives'), { recursive: true });
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    mkdirSync(path.join(root, 'proc/1'), { recursive: true });
    mkdirSync(path.join(root, 'sys/class/net'), { recursive: true });
    mkdirSync(path.join(root, 'sys/devices/virtual/net/lo'), { recursive: true });
    writeFileSync(path.join(root, 'etc/hostname'), 'fixture\n');
    writeFileSync(path.join(root, 'usr/bin/vim.basic'), 'vim');
    writeFileSync(path.join(root, 'proc/1/mounts'), 'proc /proc proc rw 0 0\n');
    writeFileSync(path.join(root, 'sys/devices/virtual/net/lo/mtu'), '65536\n');
    // An absolute link, as distributions write them: must resolve inside the root.
    symlinkSync('/usr/bin/vim.basic', path.join(root, 'etc/alternatives/vi'));
    // Relative link in sysfs style.
    symlinkSync('../../devices/virtual/net/lo', path.join(root, 'sys/class/net/lo'));
    // Links that try to escape.
    symlinkSync(path.join(outside, 'secret'), path.join(root, 'etc/abs-escape'));
    symlinkSync('../../../../../../../../' + path.join(outside, 'secret'), path.join(root, 'etc/rel-escape'));
    symlinkSync('/proc/1/mounts', path.join(root, 'etc/mtab'));
    symlinkSync('loop-b', path.join(root, 'etc/loop-a'));
    symlinkSync('loop-a', path.join(root, 'etc/loop-b'));
    execFileSync('mkfifo', [path.join(root, 'etc/fifo')]);
    writeFileSync(path.join(root, 'etc/big'), '');
    truncateSync(path.join(root, 'etc/big'), 100 * 1024 * 1024);
    fs = new HostFs({ rootfs: root, maxFileBytes: 1024 * 1024 });
  });

  it('reads host paths under the root', async () => {
    expect(await fs.readText('/etc/hostname')).toBe('fixture\n');
  });

  it('resolves absolute link targets relative to the host root', async () => {
    expect(await fs.readText('/etc/alternatives/vi')).toBe('vim');
    expect(await fs.canonical('/etc/alternatives/vi')).toBe('/usr/bin/vim.basic');
  });

  it('follows relative links (sysfs style)', async () => {
    expect(await fs.readText('/sys/class/net/lo/mtu')).toBe('65536\n');
  });

  it('maps /proc and /sys to procfs and sysfs, also through links', async () => {
    expect(await fs.readText('/etc/mtab')).toContain('proc /proc');
    const procfs = tempDir('hb-proc-');
    writeFileSync(path.join(procfs, 'uptime'), '12.5 3.0\n');
    const split = new HostFs({ rootfs: root, procfs });
    expect(await split.readText('/proc/uptime')).toBe('12.5 3.0\n');
  });

  it('never leaves the root: absolute and ../ links are re-rooted', async () => {
    await expect(fs.readText('/etc/abs-escape')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.readText('/etc/rel-escape')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.readText('/../../../../' + outside + '/secret')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.canonical('/etc/rel-escape')).toBe(path.join(outside, 'secret'));
  });

  it('reports a symlink loop with the path', async () => {
    const err = await fs.readText('/etc/loop-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostFsError);
    expect((err as HostFsError).code).toBe('ELOOP');
    expect((err as Error).message).toContain('/etc/loop-a');
  });

  it('refuses a FIFO without blocking', async () => {
    await expect(fs.readText('/etc/fifo')).rejects.toMatchObject({ code: 'ENOTREG' });
  });

  it('caps reads: a 100 MB file is too large, with the size in the message', async () => {
    const err = (await fs.readText('/etc/big').catch((e: unknown) => e)) as HostFsError;
    expect(err.code).toBe('ETOOBIG');
    expect(err.message).toMatch(/^\/etc\/big: file too large/);
  });

  it('reads files whose stat size lies (procfs reports 0)', async () => {
    const real = new HostFs({ rootfs: '/' });
    const text = await real.readText('/proc/self/status');
    expect(text).toMatch(/^Name:/);
    const st = await real.stat('/proc/self/status');
    expect(st.size).toBe(0);
  });

  it('gives null for missing sources and an error for unreadable ones', async () => {
    expect(await fs.readTextIfExists('/etc/nope')).toBeNull();
    expect(await fs.readTextIfExists('/etc/hostname/child')).toBeNull();
    await expect(fs.readTextIfExists('/etc')).rejects.toMatchObject({ code: 'ENOTREG' });
    expect(await fs.readdirIfExists('/nope')).toBeNull();
  });

  it('lists directories sorted with entry types', async () => {
    const names = (await fs.readdir('/etc/alternatives')).map((e) => `${e.name}:${e.type}`);
    expect(names).toEqual(['vi:symlink']);
  });

  it('readlink gives the raw target', async () => {
    expect(await fs.readlink('/etc/alternatives/vi')).toBe('/usr/bin/vim.basic');
  });

  it('rejects relative host paths', async () => {
    await expect(fs.readText('etc/hostname')).rejects.toMatchObject({ code: 'EINVAL' });
  });
});

describe('HostFs read limits', () => {
  it('a per-read limit may lower the configured limit but never raise it', async () => {
    const root = tempDir('hb-cap-');
    writeFileSync(path.join(root, 'f'), 'x'.repeat(2000));
    const fs = new HostFs({ rootfs: root, maxFileBytes: 1000 });
    await expect(fs.readText('/f', { maxBytes: 10_000 })).rejects.toMatchObject({ code: 'ETOOBIG' });
    await expect(fs.readText('/f', { maxBytes: 100 })).rejects.toMatchObject({ code: 'ETOOBIG' });
    expect(await new HostFs({ rootfs: root }).readText('/f', { maxBytes: 5000 })).toHaveLength(2000);
  });
});

describe('HostFs.lstatEntries', () => {
  it('gives each entry of a directory as lstat would, resolving the directory once inside the root', async () => {
    const root = tempDir('hb-hostfs-entries-');
    mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/libz.so.1'), 'z');
    symlinkSync('libz.so.1', path.join(root, 'usr/lib/libz.so'));
    // /lib -> /usr/lib with an absolute target: re-rooted, as on a usrmerge host.
    symlinkSync('/usr/lib', path.join(root, 'lib'));
    const fs = new HostFs({ rootfs: root });
    const [file, link, gone, bad] = await fs.lstatEntries('/lib', ['libz.so.1', 'libz.so', 'libgone.so', 'a/b']);
    expect(file).not.toBeInstanceOf(HostFsError);
    expect((file as import('node:fs').Stats).isFile()).toBe(true);
    expect((link as import('node:fs').Stats).isSymbolicLink()).toBe(true);
    expect(gone).toMatchObject({ code: 'ENOENT', hostPath: '/lib/libgone.so' });
    expect(bad).toMatchObject({ code: 'EINVAL' });
    const missingDir = await fs.lstatEntries('/nope', ['x', 'y']);
    expect(missingDir.map((e) => (e as HostFsError).code)).toEqual(['ENOENT', 'ENOENT']);
  });
});
