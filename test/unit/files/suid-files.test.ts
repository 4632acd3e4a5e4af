import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { suidCapableMounts } from '../../../src/collectors/files/mounts.parse.js';
import { parseMounts } from '../../../src/host/procfs/mounts.parse.js';
import { suidFiles } from '../../../src/collectors/files/suid-files.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

describe('mounts', () => {
  it('parses /proc/1/mounts and keeps only suid-capable local filesystems', () => {
    const bad: number[] = [];
    const m = parseMounts(
      'proc /proc proc rw,nosuid,nodev 0 0\n/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /dev/shm tmpfs rw,nosuid 0 0\n' +
        'srv:/x /mnt/my\\040nfs nfs4 rw 0 0\n/dev/sdb1 /data\\040disk xfs rw 0 0\ngarbage\n',
      (l) => bad.push(l),
    );
    expect(bad).toEqual([6]);
    expect(suidCapableMounts(m).map((x) => x.mountpoint)).toEqual(['/', '/data disk']);
  });
});

function host(): string {
  const root = tempDir();
  mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
  mkdirSync(path.join(root, 'tmp/.hidden'), { recursive: true });
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/sh\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nshadow:x:42:\n');
  copyFileSync('/bin/true', path.join(root, 'usr/bin/su'));
  chmodSync(path.join(root, 'usr/bin/su'), 0o4755);
  writeFileSync(path.join(root, 'usr/bin/chage'), 'x');
  execFileSync('chown', ['root:42', path.join(root, 'usr/bin/chage')]); // before chmod: chown clears set-id bits
  chmodSync(path.join(root, 'usr/bin/chage'), 0o2755);
  writeFileSync(path.join(root, 'usr/bin/plain'), 'x');
  writeFileSync(path.join(root, 'tmp/.hidden/sh'), '#!/bin/sh\n');
  chmodSync(path.join(root, 'tmp/.hidden/sh'), 0o4777);
  execFileSync('mkfifo', [path.join(root, 'tmp/fifo')]);
  return root;
}

describe('suid_files collector', () => {
  it('finds setuid/setgid files (bits set on copies made by the test), flags /tmp', async () => {
    const r = await collectOnce(suidFiles, host());
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.suid_files!.map((f) => [f.path, f.owner, f.group, f.mode, f.type, f.unusual_location, f.world_writable])).toEqual([
      ['/tmp/.hidden/sh', 'root', 'root', '4777', 'script', true, true],
      ['/usr/bin/chage', 'root', 'shadow', '2755', 'text', false, false],
      ['/usr/bin/su', 'root', 'root', '4755', 'elf', false, false],
    ]);
    expect(r.tables.suid_file_counts).toEqual([
      { kind: 'setgid', count: 1 },
      { kind: 'setuid', count: 2 },
      { kind: 'setuid_root', count: 2 },
      { kind: 'unusual_location', count: 1 },
      { kind: 'world_writable', count: 1 },
    ]);
    expect(r.samples).toContain('hostbaseline_suid_file_info{path="/usr/bin/su",owner="root",group="root",mode="4755"');
  });
  it('max_depth bounds the walk', async () => {
    const r = await collectOnce(suidFiles, host(), { options: { max_depth: 0 } });
    expect(r.tables.suid_files!.map((f) => f.path)).toEqual(['/usr/bin/chage', '/usr/bin/su']);
  });
  it('all_mounts adds mount points from /proc/1/mounts', async () => {
    const root = host();
    mkdirSync(path.join(root, 'proc/1'), { recursive: true });
    mkdirSync(path.join(root, 'srv/app'), { recursive: true });
    writeFileSync(path.join(root, 'srv/app/helper'), 'x');
    chmodSync(path.join(root, 'srv/app/helper'), 0o4755);
    writeFileSync(path.join(root, 'proc/1/mounts'), '/dev/sda1 /srv ext4 rw 0 0\nproc /proc proc rw,nosuid 0 0\n');
    const off = await collectOnce(suidFiles, root);
    expect(off.tables.suid_files!.map((f) => f.path)).not.toContain('/srv/app/helper');
    const on = await collectOnce(suidFiles, root, { options: { all_mounts: true } });
    expect(on.tables.suid_files!.map((f) => f.path)).toContain('/srv/app/helper');
  });
  it('empty host: success, zero files', async () => {
    const r = await collectOnce(suidFiles, fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(r.tables.suid_files).toEqual([]);
  });
});
