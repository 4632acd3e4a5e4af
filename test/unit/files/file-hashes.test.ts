import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHashes } from '../../../src/collectors/files/file-hashes.js';
import { capabilitiesText, parseFileCapabilities } from '../../../src/collectors/files/capability.parse.js';
import { fileTypeOf } from '../../../src/collectors/files/magic.parse.js';
import { expandGlob, globToRegExp } from '../../../src/collectors/files/glob.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { open } from 'node:fs/promises';
import { MAX_READ } from '../../../src/host/byte-source.js';
import { fileHandleSource } from '../../../src/host/hash-file.js';
import { schedulerFor, collectOnce, fixturePath, tempDir } from '../../helpers.js';

const sha = (s: string | Buffer, a = 'sha256') => createHash(a).update(s).digest('hex');

describe('magic bytes', () => {
  it('types', () => {
    const t = (bytes: number[] | string, size = 100) => fileTypeOf(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes), size);
    expect(t([0x7f, 0x45, 0x4c, 0x46, 2, 1])).toBe('elf');
    expect(t('#!/bin/sh\n')).toBe('script');
    expect(t([0x1f, 0x8b, 8])).toBe('gzip');
    expect(t('PK\x03\x04')).toBe('zip');
    expect(t('MZ\x90\x00')).toBe('pe');
    expect(t([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])).toBe('png');
    expect(t('SQLite format 3\0')).toBe('sqlite');
    expect(t('hello world\n')).toBe('text');
    expect(t([0, 1, 2, 3])).toBe('data');
    expect(t([], 0)).toBe('empty');
  });
});

describe('security.capability decoding', () => {
  const v2 = (magic: number, p0: number, i0: number, p1 = 0, i1 = 0) => {
    const b = Buffer.alloc(20);
    [magic, p0, i0, p1, i1].forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
    return b;
  };
  it('v2 with the effective flag: cap_net_raw=ep', () => {
    const c = parseFileCapabilities(v2(0x02000001, 1 << 13, 0));
    expect(c).toEqual({ version: 2, effective: true, permitted: ['cap_net_raw'], inheritable: [], rootid: null });
    expect(capabilitiesText(c)).toBe('cap_net_raw=ep');
  });
  it('v2 high word and inheritable', () => {
    const c = parseFileCapabilities(v2(0x02000000, 1 << 12, 1 << 12, 1 << (40 - 32), 0));
    expect(c.permitted).toEqual(['cap_net_admin', 'cap_checkpoint_restore']);
    expect(capabilitiesText(c)).toBe('cap_net_admin=ip cap_checkpoint_restore=p');
  });
  it('v3 has a root uid', () => {
    const b = Buffer.concat([v2(0x03000001, 1 << 10, 0), Buffer.from([0xe8, 0x03, 0, 0])]);
    expect(parseFileCapabilities(b)).toMatchObject({ version: 3, rootid: 1000, permitted: ['cap_net_bind_service'] });
  });
  it('bad lengths and revisions are errors', () => {
    expect(() => parseFileCapabilities(Buffer.alloc(2))).toThrow(/too short/);
    expect(() => parseFileCapabilities(v2(0x02000000, 0, 0).subarray(0, 16))).toThrow(/expected 20 bytes/);
    expect(() => parseFileCapabilities(v2(0x07000000, 0, 0))).toThrow(/unknown revision/);
  });
});

describe('globs', () => {
  it('compiles', () => {
    expect(globToRegExp('/etc/*.conf').test('/etc/a.conf')).toBe(true);
    expect(globToRegExp('/etc/*.conf').test('/etc/x/a.conf')).toBe(false);
    expect(globToRegExp('/opt/**/*.so').test('/opt/a/b/c.so')).toBe(true);
    expect(globToRegExp('/opt/**/*.so').test('/opt/c.so')).toBe(true);
    expect(globToRegExp('/a/[ab]?').test('/a/bz')).toBe(true);
  });
  it('expands on a host root', async () => {
    const fs = new HostFs({ rootfs: fixturePath('host-a') });
    expect(await expandGlob(fs, '/etc/cron.*/logrotate')).toEqual(['/etc/cron.daily/logrotate']);
    expect(await expandGlob(fs, '/nowhere/*')).toEqual([]);
  });
});

function tree(): string {
  const root = tempDir();
  const d = path.join(root, 'data');
  mkdirSync(path.join(d, 'sub'), { recursive: true });
  writeFileSync(path.join(d, 'a.txt'), 'hello\n');
  writeFileSync(path.join(d, 'sub', 'run.sh'), '#!/bin/sh\necho hi\n');
  copyFileSync('/bin/true', path.join(d, 'true'));
  return root;
}

describe('file_hashes collector', () => {
  it('hashes, types, metadata and ELF columns', async () => {
    const root = tree();
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], hashes: ['md5', 'sha256', 'sha512'] } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    const byPath = new Map(r.tables.files!.map((f) => [f.path, f]));
    expect([...byPath.keys()]).toEqual(['/data/a.txt', '/data/sub/run.sh', '/data/true']);
    expect(byPath.get('/data/a.txt')).toMatchObject({ type: 'text', size: 6, sha256: sha('hello\n'), md5: sha('hello\n', 'md5'), sha1: null, sha512: sha('hello\n', 'sha512'), elf_type: null });
    expect(byPath.get('/data/sub/run.sh')!.type).toBe('script');
    expect(byPath.get('/data/true')).toMatchObject({ type: 'elf', elf_machine: 'x86_64', needed: expect.stringContaining('libc.so.6') });
    expect(r.tables.files_summary).toEqual([{ files_hashed: 3, bytes_hashed: expect.any(Number), bytes_read: expect.any(Number), cache_hits: 0, truncated: false }]);
    expect(r.tables.file_series).toEqual([]);
  });

  it('a second refresh of an unchanged tree reads nothing; a changed file is read again', async () => {
    const root = tree();
    const s = schedulerFor([fileHashes], root, { options: { paths: ['/data'] } });
    const first = await s.runNow('file_hashes');
    expect(first.tables!.find((t) => t.name === 'files_summary')!.rows[0]).toMatchObject({ cache_hits: 0 });
    let second = await s.runNow('file_hashes');
    expect(second.tables!.find((t) => t.name === 'files_summary')!.rows[0]).toMatchObject({ cache_hits: 3, bytes_read: 0 });
    writeFileSync(path.join(root, 'data/a.txt'), 'changed!\n');
    utimesSync(path.join(root, 'data/a.txt'), new Date(), new Date(Date.now() + 5000));
    second = await s.runNow('file_hashes');
    expect(second.tables!.find((t) => t.name === 'files_summary')!.rows[0]).toMatchObject({ cache_hits: 2, bytes_read: 9 });
    expect(second.tables!.find((t) => t.name === 'files')!.rows.find((r) => r.path === '/data/a.txt')!.sha256).toBe(sha('changed!\n'));
  });

  it('never opens a FIFO or a device node, skips a 10 GB sparse file as too large, survives symlink loops', async () => {
    const root = tree();
    const d = path.join(root, 'data');
    execFileSync('mkfifo', [path.join(d, 'fifo')]);
    execFileSync('mknod', [path.join(d, 'null'), 'c', '1', '3']);
    writeFileSync(path.join(d, 'sparse'), '');
    truncateSync(path.join(d, 'sparse'), 10 * 1024 ** 3);
    symlinkSync('loop1', path.join(d, 'loop2'));
    symlinkSync('loop2', path.join(d, 'loop1'));
    symlinkSync('.', path.join(d, 'self'));
    const t0 = performance.now();
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/data', '/data/loop1'] } });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.files!.map((f) => f.path)).toEqual(['/data/a.txt', '/data/sub/run.sh', '/data/true']);
    expect(r.tables.file_skips).toEqual([
      { path: '/data/fifo', reason: 'not a regular file (fifo)' },
      { path: '/data/loop1', reason: 'symbolic link' },
      { path: '/data/loop1', reason: 'symlink loop' },
      { path: '/data/loop2', reason: 'symbolic link' },
      { path: '/data/null', reason: 'not a regular file (device)' },
      { path: '/data/self', reason: 'symbolic link' },
      { path: '/data/sparse', reason: 'too large' },
    ]);
  });

  it('a 10 GB sparse file within a raised cap is hashed (the cap is what keeps it out by default)', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data/sparse'), '');
    truncateSync(path.join(root, 'data/sparse'), 64 * 1024 ** 2);
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], max_file_size: 64 * 1024 ** 2 } });
    expect(r.tables.files![0]).toMatchObject({ path: '/data/sparse', sha256: sha(Buffer.alloc(64 * 1024 ** 2)), type: 'data' });
  });

  it('a large ELF is parsed from its headers and tables (not read into memory); elf_max_size still leaves it out when lowered', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'data'));
    const big = path.join(root, 'data/big');
    copyFileSync('/bin/true', big);
    truncateSync(big, 96 * 1024 ** 2); // a hole after the image: 96 MiB, more than the old 64 MiB cap
    let r = await collectOnce(fileHashes, root, { options: { paths: ['/data'] } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.files![0]).toMatchObject({ path: '/data/big', type: 'elf', elf_machine: 'x86_64', needed: expect.stringContaining('libc.so.6'), elf_error: null });
    expect(r.tables.elf_properties).toContainEqual({ property: 'elf', count: 1 });
    r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], elf_max_size: 1024 * 1024 } });
    expect(r.tables.files![0]).toMatchObject({ elf_type: 'unknown', elf_error: 'larger than elf_max_size (1048576 bytes)' });
    expect(r.tables.elf_properties).toEqual([{ property: 'not_parsed_too_large', count: 1 }]);
  });

  it('a corrupt ELF is hashed and reported with elf_error', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data/broken'), Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(20)]));
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/data'] } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.files![0]).toMatchObject({ type: 'elf', sha256: expect.any(String), elf_error: expect.stringContaining('ELF header') });
    expect(r.tables.elf_properties).toEqual([{ property: 'parse_error', count: 1 }]);
  });

  it('exclude globs, max_files, per_file_series, bad options', async () => {
    const root = tree();
    let r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], exclude: ['/data/sub/**', '/data/sub'], per_file_series: true } });
    expect(r.tables.file_series!.map((f) => f.path)).toEqual(['/data/a.txt', '/data/true']);
    expect(r.samples).toContain('hostbaseline_file_info{path="/data/a.txt"');
    r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], max_files: 1 } });
    expect(r.tables.files_summary![0]).toMatchObject({ files_hashed: 1, truncated: true });
    r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], hashes: ['crc32'] } });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('crc32');
  });

  it('a merged-/usr root is walked once through /bin and /usr/bin', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    symlinkSync('usr/bin', path.join(root, 'bin'));
    writeFileSync(path.join(root, 'usr/bin/x'), 'x');
    const r = await collectOnce(fileHashes, root);
    expect(r.tables.files!.map((f) => f.path)).toEqual(['/usr/bin/x']);
  });

  it('an empty host succeeds with nothing hashed', async () => {
    const r = await collectOnce(fileHashes, fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(r.tables.files).toEqual([]);
  });
});

describe('file handle source', () => {
  it('serves bounded positional reads, refuses reads outside the file or larger than MAX_READ, and is short when the file shrank', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'f');
    writeFileSync(f, Buffer.from('0123456789'));
    const fh = await open(f, 'r');
    try {
      const src = fileHandleSource(fh, 10);
      expect((await src.read(3, 4)).toString()).toBe('3456');
      await expect(src.read(8, 4)).rejects.toThrow(RangeError);
      await expect(src.read(-1, 1)).rejects.toThrow(RangeError);
      await expect(fileHandleSource(fh, 2 * MAX_READ).read(0, MAX_READ + 1)).rejects.toThrow(/more than/);
      truncateSync(f, 5);
      expect((await src.read(3, 4)).toString()).toBe('34');
    } finally {
      await fh.close();
    }
  });
});
