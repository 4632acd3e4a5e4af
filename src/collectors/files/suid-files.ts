import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE } from '../types.js';
import { parsePasswd } from '../../host/homes.js';
import { octalMode } from './common.js';
import { BufferPool, hashFile } from '../../host/hash-file.js';
import { fileTypeOf } from './magic.parse.js';
import { parseMounts } from '../../host/procfs/mounts.parse.js';
import { suidCapableMounts } from './mounts.parse.js';
import { walkPaths } from './walk.js';

/** §14: where setuid programs belong, plus /tmp where they never should be. */
const DEFAULT_PATHS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/tmp'];
/** Directories where a setuid file is expected; anywhere else is flagged. */
const USUAL = /^\/(usr\/)?(local\/)?(s?bin|lib|libexec|lib64|lib32)\//;

async function idNames(ctx: CollectContext): Promise<{ users: Map<number, string>; groups: Map<number, string> }> {
  const fs = ctx.fs;
  const users = new Map<number, string>();
  const groups = new Map<number, string>();
  // At most limits.rows accounts are looked up; a file of another owner shows its uid.
  const limit = { max: ctx.limits.rows, onCapped: (kept: number, total: number) => ctx.capped('/etc/passwd', kept, total) };
  for (const e of parsePasswd((await fs.readTextIfExists('/etc/passwd')) ?? '', undefined, limit)) if (!users.has(e.uid)) users.set(e.uid, e.name);
  for (const line of ((await fs.readTextIfExists('/etc/group')) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && !groups.has(Number(f[2]))) groups.set(Number(f[2]), f[0]!);
  }
  return { users, groups };
}

export const suidFiles = defineCollector({
  name: 'suid_files',
  area: 'files',
  description: 'Setuid and setgid files in the system binary directories and /tmp (and, with all_mounts, on every mount without nosuid).',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 10 * MINUTE,
  tables: [
    { name: 'suid_files', key: ['path'], description: 'One row per setuid or setgid regular file.', drift: true },
    { name: 'suid_file_counts', key: ['kind'], description: 'Setuid/setgid files per kind.' },
  ],
  options: [
    { name: 'paths', type: 'strings', default: DEFAULT_PATHS, help: 'Directories searched (recursively, up to max_depth).' },
    { name: 'all_mounts', type: 'bool', default: false, help: 'Also search every mounted filesystem without nosuid (from /proc/1/mounts; pseudo and network filesystems are left out).' },
    { name: 'max_depth', type: 'int', default: 8, help: 'Directory levels searched below each path.' },
    { name: 'max_files', type: 'int', default: 500_000, help: 'Entries looked at, at most.' },
    { name: 'max_hash_size', type: 'int', default: 64 * 1024 * 1024, help: 'Setuid files up to this size are hashed (sha256).' },
  ],
  async collect(ctx) {
    const roots = [...(ctx.options.paths as string[])];
    if (ctx.options.all_mounts) {
      const text = await ctx.fs.readTextIfExists('/proc/1/mounts');
      const mounts = parseMounts(text ?? '', (line, reason) => ctx.parseError('/proc/1/mounts', `line ${line}: ${reason}`));
      roots.push(...suidCapableMounts(mounts).map((m) => m.mountpoint));
    }
    const walked = await walkPaths(ctx.fs, roots, {
      maxDepth: ctx.options.max_depth as number,
      maxEntries: ctx.options.max_files as number,
      // Never cross into another filesystem from a root: each mount is its own root when asked for.
      sameDevice: true,
      signal: ctx.signal,
      keep: (st) => st.isFile() && (st.mode & 0o6000) !== 0,
    });
    const { users, groups } = await idNames(ctx);
    const rows: FactRow[] = [];
    const buffers = new BufferPool();
    for (const { path, st } of walked.entries) {
      if (!st.isFile() || (st.mode & 0o6000) === 0) continue;
      let sha256: string | null = null;
      let type = '';
      if (st.size <= (ctx.options.max_hash_size as number)) {
        const r = await hashFile(await ctx.fs.realPath(path), st, { algorithms: ['sha256'], buffers, signal: ctx.signal });
        if (r.kind === 'hashed') {
          sha256 = r.hashes.sha256!;
          type = fileTypeOf(r.head, st.size);
        } else ctx.parseError(path, r.reason);
      }
      rows.push({
        path,
        owner: users.get(st.uid) ?? String(st.uid),
        group: groups.get(st.gid) ?? String(st.gid),
        uid: st.uid,
        gid: st.gid,
        mode: octalMode(st),
        setuid: (st.mode & 0o4000) !== 0,
        setgid: (st.mode & 0o2000) !== 0,
        size: st.size,
        mtime: Math.floor(st.mtimeMs / 1000),
        sha256,
        type,
        world_writable: (st.mode & 0o002) !== 0,
        unusual_location: !USUAL.test(path),
      });
    }
    const n = (f: (r: FactRow) => boolean) => rows.filter(f).length;
    return [
      { name: 'suid_files', rows },
      {
        name: 'suid_file_counts',
        rows: [
          { kind: 'setuid', count: n((r) => r.setuid === true) },
          { kind: 'setgid', count: n((r) => r.setgid === true) },
          { kind: 'setuid_root', count: n((r) => r.setuid === true && r.uid === 0) },
          { kind: 'unusual_location', count: n((r) => r.unusual_location === true) },
          { kind: 'world_writable', count: n((r) => r.world_writable === true) },
        ],
      },
    ];
  },
});
