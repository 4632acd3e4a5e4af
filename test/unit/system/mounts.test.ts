import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mounts } from '../../../src/collectors/system/mounts.js';
import { isRuntimeMount, joinMounts, parseFstab } from '../../../src/collectors/system/mounts.parse.js';
import { parseMounts } from '../../../src/host/procfs/mounts.parse.js';
import { decodeOctalEscapes } from '../../../src/host/procfs/octal.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

/** /proc/1/mounts as captured on the development VM (a sandbox with an "UNCONFIGURED" fstab). */
const CAPTURED_PROC_1_MOUNTS = `proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,relatime 0 0
devtmpfs /dev devtmpfs rw,relatime,size=12334492k,nr_inodes=3083623,mode=755 0 0
tmpfs /dev/shm tmpfs rw,relatime,size=24684092k 0 0
devpts /dev/pts devpts rw,relatime,mode=600,ptmxmode=000 0 0
/dev/vda / ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0
model_tools_unavailable /mnt/sandboxing/model_tools_env/v1/python tmpfs ro,nosuid,nodev,relatime,size=4k,mode=755 0 0
devpts /dev/pts devpts rw,relatime,mode=600,ptmxmode=000 0 0
tmpfs /dev/shm tmpfs rw,relatime,size=24684092k 0 0
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
`;

describe('parseMounts', () => {
  it('reads the captured table of this machine, stacked mounts included', () => {
    const m = parseMounts(CAPTURED_PROC_1_MOUNTS);
    expect(m).toHaveLength(12);
    expect(m[5]).toEqual({ device: '/dev/vda', mountpoint: '/', fstype: 'ext4', options: ['rw', 'relatime', 'discard', 'resv_strict', 'resuid=65534', 'resgid=65534'] });
    const joined = joinMounts(m, [], () => null).mounts;
    expect(joined.filter((x) => x.mountpoint === '/dev/pts').map((x) => x.layer)).toEqual([0, 1]);
    // An empty ("UNCONFIGURED") fstab: the root and the sandbox tmpfs are not in it; the pseudo file systems are exempt.
    expect(joined.filter((x) => x.notInFstab).map((x) => x.mountpoint)).toEqual(['/', '/mnt/sandboxing/model_tools_env/v1/python']);
  });

  it('decodes octal escapes and reports lines that are not mounts', () => {
    const bad: number[] = [];
    const m = parseMounts('/dev/sdb1 /mnt/my\\040disk\\011x ext4 rw 0 0\ngarbage\n/dev/x relative ext4 rw 0 0\n', (l) => bad.push(l));
    expect(m.map((x) => x.mountpoint)).toEqual(['/mnt/my disk\tx']);
    expect(bad).toEqual([2, 3]);
    expect(decodeOctalEscapes('caf\\303\\251 \\134')).toBe('café \\');
  });
});

describe('parseFstab', () => {
  it('handles tags, quotes, comments, defaults, swap, noauto and network specs', () => {
    const bad: string[] = [];
    const e = parseFstab(
      [
        '# comment',
        '   # indented comment',
        'UUID=abcd-1234 / ext4 errors=remount-ro 0 1',
        'LABEL="my\\040data" /data/ xfs',
        'PARTUUID=6c1d-02 /boot vfat umask=0077 0 2',
        'partlabel=esp /efi vfat defaults 0 2',
        '/swapfile none swap sw 0 0',
        '/dev/sr0 /media/cdrom udf,iso9660 user,noauto 0 0',
        'nas:/export /mnt/nas nfs4 rw,nosuid 0 0',
        '//srv/share /mnt/smb cifs credentials=/root/.smb 0 0',
        'onlytwo fields',
        '/dev/x /y ext4 defaults zero 0',
        '/dev/x relative ext4 defaults 0 0',
      ].join('\n'),
      (line, reason) => bad.push(`${line}: ${reason}`),
    );
    expect(e.map((x) => [x.specType, x.specValue, x.mountpoint, x.swap, x.noauto])).toEqual([
      ['uuid', 'abcd-1234', '/', false, false],
      ['label', 'my data', '/data', false, false],
      ['partuuid', '6c1d-02', '/boot', false, false],
      ['partlabel', 'esp', '/efi', false, false],
      ['path', '/swapfile', 'none', true, false],
      ['path', '/dev/sr0', '/media/cdrom', false, true],
      ['network', 'nas:/export', '/mnt/nas', false, false],
      ['network', '//srv/share', '/mnt/smb', false, false],
    ]);
    expect(e[1]!.options).toEqual(['defaults']);
    expect(bad.map((b) => b.split(':')[0])).toEqual(['11', '12', '13']);
  });

  it('reads the "UNCONFIGURED" fstab of a fresh base system as empty', () => {
    expect(parseFstab('# UNCONFIGURED FSTAB FOR BASE SYSTEM\n')).toEqual([]);
  });
});

describe('runtime mounts', () => {
  it('exempts pseudo file systems and throwaway mounts, but not a tmpfs over /etc', () => {
    expect(isRuntimeMount({ mountpoint: '/run/user/1000', fstype: 'tmpfs' })).toBe(true);
    expect(isRuntimeMount({ mountpoint: '/var/lib/docker/overlay2/x/merged', fstype: 'overlay' })).toBe(true);
    expect(isRuntimeMount({ mountpoint: '/proc', fstype: 'proc' })).toBe(true);
    expect(isRuntimeMount({ mountpoint: '/etc/cron.d', fstype: 'tmpfs' })).toBe(false);
    expect(isRuntimeMount({ mountpoint: '/tmp', fstype: 'ext4' })).toBe(false);
  });
});

describe('mounts collector', () => {
  it('joins host-a mounts with its fstab', async () => {
    const r = await collectOnce(mounts, fixturePath('host-a'));
    expect(r.state.lastError).toBeNull();
    expect(r.tables.mount_drift).toEqual([
      { mountpoint: '/data', reason: 'in_fstab_not_mounted', fstype: 'ext4', source: 'PARTUUID="6c1d2e3f-02"' },
      { mountpoint: '/etc/cron.d', reason: 'mounted_not_in_fstab', fstype: 'tmpfs', source: 'tmpfs' },
      { mountpoint: '/media/usb', reason: 'mounted_not_in_fstab', fstype: 'vfat', source: '/dev/sdc1' },
      { mountpoint: '/mnt/nas', reason: 'in_fstab_not_mounted', fstype: 'nfs4', source: 'nas.example.internal:/export/home' },
    ]);
    const fstab = r.tables.fstab!;
    expect(fstab.find((e) => e.swap)).toMatchObject({ spec: '/dev/mapper/host--a--vg-swap_1', mounted: true });
    expect(fstab.find((e) => e.mountpoint === '/media/cdrom0')).toMatchObject({ noauto: true, mounted: false });
    expect(fstab.find((e) => e.mountpoint === '/srv/backup disk')).toMatchObject({ nosuid: true, noexec: true, mounted: true });
    expect(r.tables.mount_summary).toEqual([
      { source: '/proc/1/mounts', mounts: 20, fstab_present: true, fstab_entries: 9, mounted_not_in_fstab: 2, in_fstab_not_mounted: 2 },
    ]);
    expect(r.samples).toContain('hostbaseline_mount_info{mountpoint="/",fstype="ext4",device="/dev/mapper/host--a--vg-root",layer="0",ro="false",nosuid="false",nodev="false",noexec="false"} 1');
    expect(r.samples).toContain('hostbaseline_mount_drift{mountpoint="/etc/cron.d",reason="mounted_not_in_fstab",fstype="tmpfs"} 1');
  });

  it('a host without /etc/fstab (a container) has no fstab rows and no drift', async () => {
    const r = await collectOnce(mounts, host({ 'proc/1/mounts': CAPTURED_PROC_1_MOUNTS }));
    expect(r.state.success).toBe(true);
    expect(r.tables.fstab).toEqual([]);
    expect(r.tables.mount_drift).toEqual([]);
    expect(r.tables.mounts).toHaveLength(12);
    expect(r.tables.mounts!.every((m) => m.in_fstab === null)).toBe(true);
  });

  it('falls back to /proc/mounts when init\'s table is missing', async () => {
    const r = await collectOnce(mounts, host({ 'proc/mounts': CAPTURED_PROC_1_MOUNTS }));
    expect(r.tables.mount_summary![0]!.source).toBe('/proc/mounts');
  });

  it('an empty root succeeds with zero rows', async () => {
    const r = await collectOnce(mounts, tempDir());
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((t) => t.length === 0)).toBe(true);
  });

  it('skips malformed lines and keeps the rest', async () => {
    const r = await collectOnce(mounts, host({ 'proc/1/mounts': 'garbage\n' + CAPTURED_PROC_1_MOUNTS.slice(0, 200) }));
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBeGreaterThan(0);
    expect(r.tables.mounts!.length).toBeGreaterThan(0);
  });

  it('fails clearly on garbage, an oversized table, a directory and a symlink loop', async () => {
    const garbage = await collectOnce(mounts, host({ 'proc/1/mounts': '\x00\x01 binary junk\n' }));
    expect(garbage.state.lastError).toMatch(/\/proc\/1\/mounts: no mount line/);
    const big = await collectOnce(mounts, host({ 'proc/1/mounts': CAPTURED_PROC_1_MOUNTS.repeat(100) }), { maxFileBytes: 4096 });
    expect(big.state.lastError).toMatch(/\/proc\/1\/mounts: file too large/);
    const dir = host({ 'proc/1/mounts': CAPTURED_PROC_1_MOUNTS });
    mkdirSync(path.join(dir, 'etc', 'fstab'), { recursive: true });
    expect((await collectOnce(mounts, dir)).state.lastError).toMatch(/\/etc\/fstab: not a regular file/);
    const loop = host({ 'proc/1/mounts': CAPTURED_PROC_1_MOUNTS });
    mkdirSync(path.join(loop, 'etc'));
    symlinkSync('fstab2', path.join(loop, 'etc', 'fstab'));
    symlinkSync('fstab', path.join(loop, 'etc', 'fstab2'));
    expect((await collectOnce(mounts, loop)).state.lastError).toMatch(/\/etc\/fstab: too many levels of symbolic links/);
  });
});
