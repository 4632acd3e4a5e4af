import { describe, expect, it } from 'vitest';
import { sysvShm } from '../../../src/collectors/system/sysv-shm.js';
import { parseSysvShm } from '../../../src/collectors/system/sysv-shm.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithDirAt, rootWithLoopAt } from './roots.js';

// Captured on the development machine after shmget(0x5a17c0de, 64 KiB, 0600) with one
// attach, and shmget(IPC_PRIVATE, 1 MiB, 0666).
const REAL = `       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
1511506142          0   600                 65536 10494 10494      1     0     0     0     0 1795772303          0 1795772303                     0                     0
         0          1   666               1048576 10494     0      0     0     0     0     0          0          0 1795772303                     0                     0
`;
const EMPTY = REAL.split('\n')[0] + '\n';

describe('parseSysvShm', () => {
  it('reads real segments: hex key, octal perms', () => {
    const segs = parseSysvShm(REAL)!;
    expect(segs).toHaveLength(2);
    expect(segs[0]).toMatchObject({ key: '0x5a17c0de', shmid: 0, perms: '0600', size: 65536, cpid: 10494, nattch: 1, rss: 0, swap: 0, destroyPending: false });
    expect(segs[1]).toMatchObject({ key: '0x00000000', perms: '0666', size: 1048576 });
  });
  it('reads negative keys and the SHM_DEST state bit; an older kernel without rss/swap', () => {
    const old = 'key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime\n-559038737 32770 1640 4096 1 1 0 999 999 999 999 0 0 0\n';
    expect(parseSysvShm(old)![0]).toMatchObject({ key: '0xdeadbeef', perms: '0640', mode: 0o1640, destroyPending: true, rss: null, swap: null });
  });
  it('takes a header-only file as no segments, and rejects a file without the header', () => {
    expect(parseSysvShm(EMPTY)).toEqual([]);
    expect(parseSysvShm('')).toBeNull();
    expect(parseSysvShm('\u0000\u00ff garbage\n1 2 3\n')).toBeNull();
  });
  it('skips truncated and garbage rows, reporting each', () => {
    const bad: number[] = [];
    const truncated = REAL.slice(0, REAL.lastIndexOf('0 1795772303'));
    const segs = parseSysvShm(truncated + '\nkey? shmid? 9z9\n', (line) => bad.push(line))!;
    expect(segs.map((s) => s.shmid)).toEqual([0]);
    expect(bad).toEqual([3, 4]);
  });
});

describe('sysv_shm collector', () => {
  it('reads the fixture host and flags the world-writable segment', async () => {
    const { state, tables } = await collectOnce(sysvShm, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.sysv_shm_segments!.filter((r) => r.world_writable).map((r) => r.shmid)).toEqual([1]);
    expect(tables.sysv_shm_summary).toEqual([{ segments: 3, bytes: 65536 + 1048576 + 33554432, world_writable: 1 }]);
  });
  it('reports zero segments for a header-only file and no rows without the file', async () => {
    const { tables } = await collectOnce(sysvShm, hostRoot({ 'proc/sysvipc/shm': EMPTY }));
    expect(tables.sysv_shm_summary).toEqual([{ segments: 0, bytes: 0, world_writable: 0 }]);
    const empty = await collectOnce(sysvShm, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(Object.values(empty.tables).flat()).toEqual([]);
  });
  it('fails on a file that is not the shm table, a directory, an oversized file or a symlink loop', async () => {
    expect((await collectOnce(sysvShm, hostRoot({ 'proc/sysvipc/shm': 'garbage\n' }))).state.lastError).toMatch(/\/proc\/sysvipc\/shm: no header line/);
    expect((await collectOnce(sysvShm, rootWithDirAt('proc/sysvipc/shm'))).state.lastError).toMatch(/not a regular file/);
    const big = hostRoot({ 'proc/sysvipc/shm': REAL + REAL.split('\n')[1]!.concat('\n').repeat(100) });
    expect((await collectOnce(sysvShm, big, { maxFileBytes: 4096 })).state.lastError).toMatch(/file too large/);
    expect((await collectOnce(sysvShm, rootWithLoopAt('proc/sysvipc/shm'))).state.lastError).toMatch(/too many levels/);
  });
});
