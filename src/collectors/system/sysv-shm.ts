import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseSysvShm } from './sysv-shm.parse.js';

const SOURCE = '/proc/sysvipc/shm';

export const sysvShm = defineCollector({
  name: 'sysv_shm',
  area: 'system',
  description: 'System V shared memory segments (/proc/sysvipc/shm); world-writable segments are flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'sysv_shm_segments',
      key: ['shmid'],
      description: 'One row per shared memory segment.',
      drift: {
        on: 'aggregate',
        by: ['uid', 'cuid', 'perms', 'world_writable'],
        identity: (r) => ({ uid: r.uid ?? null, cuid: r.cuid ?? null, perms: r.perms ?? null, world_writable: r.world_writable ?? null }),
        count: 'segments',
        settle: { column: 'ctime', seconds: 300 },
        why: 'A shmid is new for every segment (browsers and X make them all the time): segments are grouped by owner, creator and permissions, and a group is news once a segment of it has lived 5 minutes.',
      },
      volatile: ['lpid', 'nattch', 'atime', 'dtime', 'rss_bytes', 'swap_bytes', 'destroy_pending'],
    },
    { name: 'sysv_shm_summary', key: [], description: 'Segment count, total size and world-writable segments.' },
  ],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(SOURCE);
    if (text === null) return [{ name: 'sysv_shm_segments', rows: [] }, { name: 'sysv_shm_summary', rows: [] }];
    const segments = parseSysvShm(text, (line, reason) => ctx.parseError(SOURCE, `line ${line}: ${reason}`));
    if (!segments) throw new Error(`${SOURCE}: no header line with key, shmid, perms, size …`);
    const rows: FactRow[] = segments.map((s) => ({
      shmid: s.shmid,
      key: s.key,
      perms: s.perms,
      size_bytes: s.size,
      cpid: s.cpid,
      lpid: s.lpid,
      nattch: s.nattch,
      uid: s.uid,
      gid: s.gid,
      cuid: s.cuid,
      cgid: s.cgid,
      atime: s.atime,
      dtime: s.dtime,
      ctime: s.ctime,
      rss_bytes: s.rss,
      swap_bytes: s.swap,
      world_writable: (s.mode & 0o002) !== 0,
      world_readable: (s.mode & 0o004) !== 0,
      destroy_pending: s.destroyPending,
      locked: s.locked,
    }));
    return [
      { name: 'sysv_shm_segments', rows },
      {
        name: 'sysv_shm_summary',
        rows: [
          {
            segments: rows.length,
            bytes: segments.reduce((n, s) => n + s.size, 0),
            world_writable: rows.filter((r) => r.world_writable).length,
          },
        ],
      },
    ];
  },
});
