import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockDevices } from '../../../src/collectors/devices/block-devices.js';
import { dmi } from '../../../src/collectors/devices/dmi.js';
import { firmware } from '../../../src/collectors/devices/firmware.js';
import { efiBooleanVariable, smbiosVersion } from '../../../src/collectors/devices/firmware.parse.js';
import { parseIds } from '../../../src/collectors/devices/ids.parse.js';
import { parseIomem } from '../../../src/collectors/devices/iomem.parse.js';
import { devicesCollectors } from '../../../src/collectors/devices/index.js';
import { pciDevices } from '../../../src/collectors/devices/pci-devices.js';
import { parseMdstat } from '../../../src/collectors/devices/software-raid.parse.js';
import { softwareRaid } from '../../../src/collectors/devices/software-raid.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { put } from '../../support/host-root.js';

const HOST_A = fixturePath('host-a');

describe('/proc/mdstat parser', () => {
  it('reads levels, members, [n/m] [UU_] and recovery progress', () => {
    const arrays = parseMdstat(
      [
        'Personalities : [raid1] [raid5]',
        'md1 : active raid5 sdd1[3](F) sdc1[1] sdb1[0]',
        '      2093056 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [UU_]',
        '      [=>...................]  recovery =  8.5% (89216/1046528) finish=1.2min speed=12745K/sec',
        '',
        'md2 : active (auto-read-only) raid1 sda2[0] sdb2[1]',
        '      1046528 blocks super 1.2 [2/2] [UU]',
        'md127 : inactive sde[0](S)',
        '      1953382488 blocks super external:imsm',
        'unused devices: <none>',
      ].join('\n'),
    );
    expect(arrays.map((a) => [a.array, a.state, a.level, a.degraded, a.failed, a.spare, a.status, a.read_only])).toEqual([
      ['md1', 'active', 'raid5', 1, 1, 0, 'UU_', false],
      ['md2', 'active', 'raid1', 0, 0, 0, 'UU', true],
      ['md127', 'inactive', '', 0, 0, 1, '', false],
    ]);
    expect(arrays[0]!.sync_action).toBe('recovery');
    expect(arrays[0]!.sync_percent).toBe(8.5);
  });

  it('a truncated array line is a parse error, the other arrays are kept', async () => {
    const root = tempDir();
    put(root, 'proc/mdstat', 'Personalities : [raid1]\nmd0 : activ\nmd1 : active raid1 sda1[0] sdb1[1]\n      100 blocks [2/1] [U_]\n');
    const r = await collectOnce(softwareRaid, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.md_arrays!.map((a) => [a.array, a.degraded])).toEqual([['md1', 1]]);
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.samples).toContain('hostbaseline_md_array_degraded{array="md1"} 1');
  });

  it('a file that is not mdstat fails the collector', async () => {
    const root = tempDir();
    put(root, 'proc/mdstat', '\u0000\u0001garbage');
    const r = await collectOnce(softwareRaid, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/proc/mdstat');
  });
});

describe('pci.ids / usb.ids parser', () => {
  it('reads vendors, devices, subsystems and classes and skips other usb.ids sections', () => {
    const db = parseIds(
      '# c\n8086  Intel Corporation\n\ta0ed  USB xHCI\n\t\t1028 0a6b  PowerEdge xHCI\nC 0c  Serial bus controller\n\t03  USB controller\n\t\t30  XHCI\nHID 21  HID\n\t99  not a device\n',
    );
    expect(db.vendors.get('8086')).toBe('Intel Corporation');
    expect(db.devices.get('8086:a0ed')).toBe('USB xHCI');
    expect(db.subsystems.get('8086:a0ed:1028:0a6b')).toBe('PowerEdge xHCI');
    expect(db.classes.get('0c:03')).toBe('USB controller');
    expect(db.devices.size).toBe(1);
  });

  it('keeps only the vendors asked for (and every class)', () => {
    const text = '8086  Intel Corporation\n\ta0ed  USB xHCI\n1af4  Red Hat, Inc.\n\t1042  Virtio block\n\t\t1af4 1100  QEMU\nC 01  Mass storage controller\n';
    const db = parseIds(text, new Set(['1af4']));
    expect([...db.vendors.keys()]).toEqual(['1af4']);
    expect([...db.devices.keys()]).toEqual(['1af4:1042']);
    expect(db.subsystems.get('1af4:1042:1af4:1100')).toBe('QEMU');
    expect(db.classes.get('01')).toBe('Mass storage controller');
  });
});

describe('firmware parsers', () => {
  it('efivar: 4 attribute bytes then the value; truncated is null', () => {
    expect(efiBooleanVariable(Buffer.from([6, 0, 0, 0, 1]))).toBe(true);
    expect(efiBooleanVariable(Buffer.from([6, 0, 0, 0, 0]))).toBe(false);
    expect(efiBooleanVariable(Buffer.from([6, 0, 0]))).toBeNull();
    expect(efiBooleanVariable(Buffer.from([6, 0, 0, 0, 7]))).toBeNull();
  });
  it('SMBIOS entry point version', () => {
    expect(smbiosVersion(Buffer.from([...Buffer.from('_SM3_'), 0, 24, 3, 4, 0]))).toBe('3.4');
    expect(smbiosVersion(Buffer.from([...Buffer.from('_SM_'), 0, 31, 2, 8]))).toBe('2.8');
    expect(smbiosVersion(Buffer.from('garbage!!'))).toBeNull();
  });
  it('iomem: top-level regions only; hidden addresses (non-root) have no size', () => {
    const r = parseIomem('00000000-00000000 : System RAM\n  00000000-00000000 : Kernel code\n00000000-00000000 : System RAM\nbad line\n');
    expect(r.map((x) => [x.name, x.ordinal, x.size_bytes])).toEqual([
      ['System RAM', 0, null],
      ['System RAM', 1, null],
    ]);
  });
});

describe('device collectors on host-a', () => {
  it('block devices: sysfs disks, partitions inside their disk, /proc/partitions-only devices; serials hashed', async () => {
    const r = await collectOnce(blockDevices, HOST_A);
    const byName = new Map(r.tables.block_devices!.map((row) => [row.name, row]));
    expect(byName.get('sda1')).toMatchObject({ type: 'part', parent: 'sda', removable: true, rotational: true, size_bytes: 60602368 * 512 });
    expect(byName.get('md0')!.type).toBe('md');
    expect(byName.get('sr0')).toMatchObject({ type: 'rom', size_bytes: 1048575 * 1024, rotational: null });
    expect(byName.get('vda')!.serial_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(r.tables)).not.toContain('BHYVE-7F3A');
  });

  it('pci devices: names from the fixture pci.ids, driver from the link', async () => {
    const r = await collectOnce(pciDevices, HOST_A);
    const mei = r.tables.pci_devices!.find((d) => d.slot === '0000:00:16.0')!;
    expect(mei).toMatchObject({ vendor: 'Intel Corporation', device: 'Tiger Lake-LP Management Engine Interface', driver: 'mei_me', class: 'Communication controller' });
  });

  it('pci.ids is parsed once while its mtime and size stay the same', async () => {
    const root = tempDir();
    put(root, 'sys/devices/pci0000:00/0000:00:01.0/vendor', '0x8086\n');
    put(root, 'sys/devices/pci0000:00/0000:00:01.0/device', '0x1234\n');
    mkdirSync(path.join(root, 'sys/bus/pci/devices'), { recursive: true });
    symlinkSync('../../../devices/pci0000:00/0000:00:01.0', path.join(root, 'sys/bus/pci/devices/0000:00:01.0'));
    put(root, 'usr/share/hwdata/pci.ids', '8086  Intel Corporation\n\t1234  Thing\n');
    const r = await collectOnce(pciDevices, root);
    expect(r.tables.pci_devices![0]).toMatchObject({ vendor: 'Intel Corporation', device: 'Thing', ids_file: '/usr/share/hwdata/pci.ids' });
  });

  it('dmi: serials hashed; an unreadable serial file is null with a parse error, the rest reported', async () => {
    const root = tempDir();
    put(root, 'sys/class/dmi/id/sys_vendor', 'QEMU\n');
    put(root, 'sys/class/dmi/id/product_serial', 'SERIAL-1\n');
    mkdirSync(path.join(root, 'sys/class/dmi/id/board_serial')); // EISDIR → not a regular file: the collector fails (see below)
    let r = await collectOnce(dmi, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/sys/class/dmi/id/board_serial');
    const root2 = tempDir();
    put(root2, 'sys/class/dmi/id/sys_vendor', 'QEMU\n');
    put(root2, 'sys/class/dmi/id/product_serial', 'SERIAL-1\n');
    r = await collectOnce(dmi, root2);
    const row = r.tables.dmi![0]!;
    expect(row.sys_vendor).toBe('QEMU');
    expect(row.product_serial_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(row.board_serial_sha256).toBe('');
    expect(JSON.stringify(r.tables)).not.toContain('SERIAL-1');
  });

  it('truncated sysfs attributes: garbage numbers are parse errors, the device is still reported', async () => {
    const root = tempDir();
    put(root, 'sys/block/sdz/size', '12a');
    put(root, 'sys/block/sdz/ro', '');
    put(root, 'sys/block/sdz/removable', '7');
    const r = await collectOnce(blockDevices, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.block_devices![0]).toMatchObject({ name: 'sdz', size_bytes: null, read_only: null, removable: null });
    expect(r.state.parseErrorsTotal).toBe(3);
  });

  it('a truncated efivar is a parse error, not a failure', async () => {
    const root = tempDir();
    put(root, 'sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0ec4f4f6f2c', Buffer.from([6, 0]));
    const r = await collectOnce(firmware, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.firmware![0]).toMatchObject({ efi: true, secure_boot: null });
    expect(r.state.parseErrorsTotal).toBe(1);
  });

  it('an oversized ACPI table fails the collector with the file named', async () => {
    const root = tempDir();
    put(root, 'sys/firmware/acpi/tables/DSDT', Buffer.alloc(4096));
    const r = await collectOnce(firmware, root, { maxFileBytes: 1024 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/sys/firmware/acpi/tables/DSDT: file too large');
  });

  it('every device collector succeeds with zero rows on an empty host (smart: available 0)', async () => {
    const root = tempDir();
    for (const spec of devicesCollectors) {
      const r = await collectOnce(spec, root);
      expect(r.state.success, `${spec.name}: ${r.state.lastError}`).toBe(true);
      const rows = Object.entries(r.tables).filter(([t]) => t !== 'smart_summary').flatMap(([, v]) => v);
      expect(rows, spec.name).toEqual([]);
    }
  });
});
