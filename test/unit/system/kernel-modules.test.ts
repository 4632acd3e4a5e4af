import { appendFileSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelModules } from '../../../src/collectors/system/kernel-modules.js';
import {
  decodeTaintMask,
  moduleNameOfPath,
  parseModulesBuiltin,
  parseModulesDep,
  parseProcModules,
  parseTaintMask,
  SIGNATURE_MAGIC,
  signatureOf,
  treeOfPath,
} from '../../../src/collectors/system/kernel-modules.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithDirAt, rootWithLoopAt } from './roots.js';

// The development machine's kernel has no module support (no /proc/modules), so
// this is a Debian 12 workstation's /proc/modules, trimmed.
const PROC_MODULES = `nvidia_drm 77824 4 - Live 0xffffffffc1d5c000 (PO)
nvidia_modeset 1302528 6 nvidia_drm, Live 0xffffffffc1c1c000 (PO)
nvidia 56352768 304 nvidia_modeset, Live 0xffffffffc0400000 (PO)
vboxdrv 696320 2 - Live 0xffffffffc0340000 (OE)
snd_hda_intel 57344 3 - Live 0xffffffffc0320000
btrfs 1925120 0 - Live 0xffffffffc0100000
xor 24576 1 btrfs, Live 0xffffffffc00f0000
raid6_pq 122880 1 btrfs, Live 0xffffffffc00c0000
`;

describe('parseProcModules', () => {
  it('reads name, size, refcount, users, state and taint letters', () => {
    const mods = parseProcModules(PROC_MODULES);
    expect(mods).toHaveLength(8);
    expect(mods[2]).toEqual({ name: 'nvidia', size: 56352768, refcount: 304, usedBy: ['nvidia_modeset'], state: 'Live', taints: 'PO' });
    expect(mods[3]!.taints).toBe('OE');
    expect(mods[5]).toMatchObject({ name: 'btrfs', usedBy: [], taints: '' });
  });
  it('skips truncated and garbage lines, reporting each', () => {
    const bad: number[] = [];
    const mods = parseProcModules('xor 24576 1 btrfs, Live 0x0\nraid6_pq 1228\n\u0000\u00ff garbage here\nfoo notanumber 1 - Live 0x0\n', (line) => bad.push(line));
    expect(mods.map((m) => m.name)).toEqual(['xor']);
    expect(bad).toEqual([2, 3, 4]);
  });
  it('accepts an unremovable module (refcount -)', () => {
    expect(parseProcModules('permanent 4096 - - Live 0x0\n')[0]).toMatchObject({ refcount: null });
  });
});

describe('taint mask', () => {
  it('decodes the bits of the kernel documentation', () => {
    expect(parseTaintMask('0\n')).toBe(0); // this machine
    const set = (m: number) => decodeTaintMask(m).filter((f) => f.set).map((f) => f.letter).join('');
    expect(set(0)).toBe('');
    expect(set(4097)).toBe('PO');
    expect(set(12288)).toBe('OE');
    expect(set(2 ** 15)).toBe('K');
    expect(decodeTaintMask(2 ** 25).filter((f) => f.set).map((f) => f.name)).toEqual(['bit_25']);
    expect(parseTaintMask('garbage')).toBeNull();
    expect(parseTaintMask('-1')).toBeNull();
  });
});

describe('module files', () => {
  it('maps names and trees from modules.dep and modules.builtin', () => {
    const dep = parseModulesDep('kernel/fs/fuse/fuse.ko.xz:\nupdates/dkms/vboxdrv.ko: \nkernel/drivers/hid/hid-generic.ko.zst: kernel/drivers/hid/hid.ko.zst\ngarbage\n');
    expect([...dep]).toEqual([
      ['fuse', 'kernel/fs/fuse/fuse.ko.xz'],
      ['vboxdrv', 'updates/dkms/vboxdrv.ko'],
      ['hid_generic', 'kernel/drivers/hid/hid-generic.ko.zst'],
    ]);
    expect([...parseModulesBuiltin('kernel/fs/ext4/ext4.ko\n\nkernel/drivers/char/tpm/tpm.ko\n')]).toEqual(['ext4', 'tpm']);
    expect(moduleNameOfPath('/lib/modules/6.1.0-17-amd64/extra/nvidia-drm.ko')).toBe('nvidia_drm');
    expect(treeOfPath('kernel/fs/fuse/fuse.ko')).toBe('in_tree');
    expect(treeOfPath('updates/dkms/vboxdrv.ko')).toBe('out_of_tree');
    expect(treeOfPath('/lib/modules/6.1.0-17-amd64/extra/nvidia.ko')).toBe('out_of_tree');
    expect(treeOfPath('misc/thing.ko')).toBe('unknown');
  });
  it('finds the appended signature marker', () => {
    expect(signatureOf(Buffer.from(`\x7fELF...${SIGNATURE_MAGIC}`, 'latin1'))).toBe('signed');
    expect(signatureOf(Buffer.from('\x7fELF no signature\n', 'latin1'))).toBe('unsigned');
    expect(signatureOf(Buffer.alloc(0))).toBe('unsigned');
  });
});

describe('kernel_modules collector', () => {
  it('reads the fixture host: taints from /proc and /sys, signatures as the kernel checked them', async () => {
    const { state, tables } = await collectOnce(kernelModules, fixturePath('host-a'));
    expect(state.success).toBe(true);
    const byName = Object.fromEntries(tables.kernel_modules!.map((r) => [r.name, r]));
    expect(byName.vboxdrv).toMatchObject({ taints: 'EO', tree: 'out_of_tree', signature: 'unsigned', signature_source: 'kernel' });
    expect(byName.fuse).toMatchObject({ tree: 'in_tree', signature: 'signed', signature_source: 'kernel', file: '/lib/modules/6.1.0-17-amd64/kernel/fs/fuse/fuse.ko' });
    expect(byName.overlay).toMatchObject({ signature: 'signed', signature_source: 'kernel' }); // no E: the kernel verified it
    expect(byName.nf_defrag_ipv4).toMatchObject({ used_by: 'nf_conntrack' });
    expect(tables.kernel_modules_summary).toEqual([{ loaded: 8, out_of_tree: 1, unsigned: 1, builtin: 3, sig_enforce: false, tainted: 12288 }]);
    expect(tables.kernel_taint!.filter((r) => r.set).map((r) => r.letter)).toEqual(['O', 'E']);
  });

  it('reads the module files when the kernel does not check signatures', async () => {
    const root = hostRoot({
      'proc/sys/kernel/osrelease': '6.1.0-17-amd64\n',
      'proc/modules': 'fuse 176128 3 - Live 0x0\noverlay 163840 1 - Live 0x0\nvboxdrv 696320 2 - Live 0x0 (O)\nnf_defrag_ipv4 16384 1 nf_conntrack, Live 0x0\nmystery 4096 0 - Live 0x0\n',
      'lib/modules/6.1.0-17-amd64/modules.dep':
        'kernel/fs/fuse/fuse.ko:\nkernel/fs/overlayfs/overlay.ko.xz:\nupdates/dkms/vboxdrv.ko:\nkernel/net/ipv4/netfilter/nf_defrag_ipv4.ko:\n',
      'lib/modules/6.1.0-17-amd64/kernel/fs/fuse/fuse.ko': `\x7fELF...${SIGNATURE_MAGIC}`,
      'lib/modules/6.1.0-17-amd64/kernel/fs/overlayfs/overlay.ko.xz': 'xz',
      'lib/modules/6.1.0-17-amd64/updates/dkms/vboxdrv.ko': '\x7fELF no signature',
    });
    const { state, tables } = await collectOnce(kernelModules, root);
    expect(state.success).toBe(true);
    expect(tables.kernel_modules!.map((r) => [r.name, r.tree, r.signature, r.signature_source])).toEqual([
      ['fuse', 'in_tree', 'signed', 'file'],
      ['mystery', 'unknown', 'unknown', ''], // not in modules.dep
      ['nf_defrag_ipv4', 'in_tree', 'unknown', ''], // file missing
      ['overlay', 'in_tree', 'unknown', ''], // compressed
      ['vboxdrv', 'out_of_tree', 'unsigned', 'file'],
    ]);
    expect(tables.kernel_modules_summary![0]).toMatchObject({ unsigned: 1, sig_enforce: null });
    const off = await collectOnce(kernelModules, root, { options: { check_signatures: false } });
    expect(off.tables.kernel_modules!.find((r) => r.name === 'fuse')?.signature).toBe('unknown');
  });

  it('reads only the tail of a big module file, and fails on a module file that is a directory', async () => {
    const root = hostRoot({
      'proc/sys/kernel/osrelease': '6.1.0-17-amd64\n',
      'proc/modules': 'nvidia 56352768 304 - Live 0x0 (PO)\n',
      'lib/modules/6.1.0-17-amd64/modules.dep': 'updates/dkms/nvidia.ko:\n',
    });
    const big = path.join(root, 'lib/modules/6.1.0-17-amd64/updates/dkms/nvidia.ko');
    mkdirSync(path.dirname(big), { recursive: true });
    writeFileSync(big, '');
    truncateSync(big, 100 * 1024 * 1024); // sparse 100 MB, over the 4 KiB read cap below
    appendFileSync(big, SIGNATURE_MAGIC);
    const { state, tables } = await collectOnce(kernelModules, root, { maxFileBytes: 4096 });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.kernel_modules![0]).toMatchObject({ name: 'nvidia', tree: 'out_of_tree', signature: 'signed', signature_source: 'file', proprietary: true });
    rmSync(big);
    mkdirSync(big);
    expect((await collectOnce(kernelModules, root)).state.lastError).toMatch(/nvidia\.ko: not a regular file/);
  });

  it('succeeds with zero modules on a kernel without module support', async () => {
    const { state, tables } = await collectOnce(kernelModules, hostRoot({ 'proc/sys/kernel/tainted': '0\n', 'proc/sys/kernel/osrelease': '6.18.44-fc-v657\n' }));
    expect(state.success).toBe(true);
    expect(tables.kernel_modules).toEqual([]);
    expect(tables.kernel_modules_summary).toEqual([{ loaded: null, out_of_tree: null, unsigned: null, builtin: null, sig_enforce: null, tainted: 0 }]);
    const empty = await collectOnce(kernelModules, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(Object.values(empty.tables).flat()).toEqual([]);
  });

  it('counts bad lines as parse errors and keeps the rest', async () => {
    const { state, tables } = await collectOnce(kernelModules, hostRoot({ 'proc/modules': 'xor 24576 1 btrfs, Live 0x0\ntrunc' }));
    expect(state.success).toBe(true);
    expect(tables.kernel_modules!.map((r) => r.name)).toEqual(['xor']);
    expect(state.parseErrorsTotal).toBe(1);
  });

  it('fails on a garbage taint mask, a directory, an oversized file or a symlink loop', async () => {
    expect((await collectOnce(kernelModules, hostRoot({ 'proc/sys/kernel/tainted': 'lots\n' }))).state.lastError).toMatch(/tainted: not a decimal/);
    expect((await collectOnce(kernelModules, rootWithDirAt('proc/modules'))).state.lastError).toMatch(/\/proc\/modules: not a regular file/);
    const big = hostRoot({ 'proc/modules': 'x 1 0 - Live 0x0\n'.repeat(1000) });
    expect((await collectOnce(kernelModules, big, { maxFileBytes: 4096 })).state.lastError).toMatch(/\/proc\/modules: file too large/);
    expect((await collectOnce(kernelModules, rootWithLoopAt('proc/modules'))).state.lastError).toMatch(/too many levels of symbolic links/);
  });
});
