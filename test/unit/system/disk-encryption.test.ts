import { mkdirSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskEncryption } from '../../../src/collectors/system/disk-encryption.js';
import { devPath, parseCryptUuid, parseLuksHeader } from '../../../src/collectors/system/disk-encryption.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

function luks2(uuid: string, label = ''): Buffer {
  const b = Buffer.alloc(4096);
  b.write('LUKS\xba\xbe', 0, 'latin1');
  b.writeUInt16BE(2, 6);
  b.write(label, 24, 'latin1');
  b.write(uuid, 168, 'latin1');
  return b;
}

describe('parseCryptUuid', () => {
  it('reads cryptsetup dm uuids and ignores other targets', () => {
    expect(parseCryptUuid('CRYPT-LUKS2-9f1c2b3a4d5e6f708192a3b4c5d6e7f8-vda5_crypt\n')).toEqual({ type: 'luks2', uuid: '9f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8' });
    expect(parseCryptUuid('CRYPT-PLAIN-swap')).toEqual({ type: 'plain', uuid: '' });
    expect(parseCryptUuid('LVM-abc')).toBeNull();
    expect(parseCryptUuid('')).toBeNull();
  });
});

describe('parseLuksHeader', () => {
  it('reads LUKS2 uuid and label, and nothing from other bytes', () => {
    expect(parseLuksHeader(luks2('0b9e5a52-1111-4222-8333-444455556666', 'data'))).toEqual({
      version: 2, uuid: '0b9e5a52-1111-4222-8333-444455556666', label: 'data', cipher: '', activeKeyslots: null,
    });
    expect(parseLuksHeader(Buffer.alloc(4096))).toBeNull();
    expect(parseLuksHeader(Buffer.from('LUKS\xba\xbe', 'latin1'))).toBeNull(); // truncated
    const v3 = luks2('x');
    v3.writeUInt16BE(3, 6);
    expect(parseLuksHeader(v3)).toBeNull();
  });

  it('maps sysfs names to /dev paths', () => {
    expect(devPath('cciss!c0d0')).toBe('/dev/cciss/c0d0');
  });
});

describe('disk_encryption collector', () => {
  it('finds the mapping, the LUKS headers and the encrypted root of host-a', async () => {
    const r = await collectOnce(diskEncryption, fixturePath('host-a'));
    expect(r.state.lastError).toBeNull();
    expect(r.tables.encrypted_volumes).toEqual([
      { name: 'vda5_crypt', dm_device: 'dm-2', type: 'luks2', luks_uuid: '9f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8', device: 'vda5' },
    ]);
    expect(r.tables.luks_headers).toEqual([
      { device: 'vda5', version: 2, uuid: '9f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8', label: 'root', cipher: '', active_keyslots: null, open: true },
      { device: 'vdb', version: 1, uuid: '3c2d1e0f-aaaa-4bbb-8ccc-0123456789ab', label: '', cipher: 'aes-xts-plain64', active_keyslots: 2, open: false },
    ]);
    // / is on LVM (dm-0) on dm-crypt (dm-2).
    expect(r.tables.root_encryption).toEqual([{ mountpoint: '/', device: '/dev/mapper/host--a--vg-root', encrypted: true, mapping: 'vda5_crypt' }]);
    expect(r.samples).toContain('hostbaseline_root_filesystem_encrypted{device="/dev/mapper/host--a--vg-root",mapping="vda5_crypt"} 1');
    expect(r.samples).toContain('hostbaseline_luks_active_keyslots{device="vdb"} 2');
  });

  it('read_headers=false leaves device nodes alone', async () => {
    const r = await collectOnce(diskEncryption, fixturePath('host-a'), { options: { read_headers: false } });
    expect(r.tables.luks_headers).toEqual([]);
    expect(r.tables.encrypted_volumes).toHaveLength(1);
  });

  it('an unencrypted root reads as 0, and an empty root succeeds with zero rows', async () => {
    const plain = host({
      'proc/1/mounts': '/dev/vda / ext4 rw,relatime 0 0\n',
      'sys/class/block/vda/dev': '254:0\n',
      'sys/class/block/vda/size': '100\n',
      'dev/vda': Buffer.alloc(4096),
    });
    const r = await collectOnce(diskEncryption, plain);
    expect(r.tables.root_encryption).toEqual([{ mountpoint: '/', device: '/dev/vda', encrypted: false, mapping: '' }]);
    const empty = await collectOnce(diskEncryption, tempDir());
    expect(empty.state.success).toBe(true);
    expect(Object.values(empty.tables).every((t) => t.length === 0)).toBe(true);
  });

  it('reads at most 4 KiB of a device, and fails clearly on a FIFO, a directory or a symlink loop', async () => {
    const big = host({ 'sys/class/block/vdc/size': '100\n', 'dev/vdc': Buffer.concat([luks2('u-1'), Buffer.alloc(1024 * 1024)]) });
    const r = await collectOnce(diskEncryption, big, { maxFileBytes: 1024 });
    expect(r.state.lastError).toBeNull();
    expect(r.tables.luks_headers).toHaveLength(1);
    const fifo = host({ 'sys/class/block/vdc/size': '100\n' });
    mkdirSync(path.join(fifo, 'dev'));
    execFileSync('mkfifo', [path.join(fifo, 'dev/vdc')]);
    expect((await collectOnce(diskEncryption, fifo)).state.lastError).toMatch(/\/dev\/vdc: not a regular file \(not a block device\)/);
    const dir = host({ 'sys/class/block/vdc/size': '100\n' });
    mkdirSync(path.join(dir, 'sys/class/block/vdc/dm/uuid'), { recursive: true });
    expect((await collectOnce(diskEncryption, dir)).state.lastError).toMatch(/dm\/uuid: not a regular file/);
    const loop = host({ 'sys/class/block/vdc/size': '100\n' });
    mkdirSync(path.join(loop, 'dev'));
    symlinkSync('vdd', path.join(loop, 'dev/vdc'));
    symlinkSync('vdc', path.join(loop, 'dev/vdd'));
    expect((await collectOnce(diskEncryption, loop)).state.lastError).toMatch(/\/dev\/vdc: too many levels of symbolic links/);
  });
});
