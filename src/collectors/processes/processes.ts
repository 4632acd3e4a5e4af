import { parsePasswd } from '../../host/homes.js';
import { isNotFound } from '../../host/hostfs.js';
import { listPids } from '../../host/procfs/pids.js';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { DirectProcSource } from '../../host/procfs/proc-source.js';
import { parseProcStat, USER_HZ } from '../../host/procfs/stat.parse.js';
import { exeHashCache, type HashResult } from './exe-hash.js';
import { isTmpExec, processIdentity, stateName } from './processes.parse.js';
import {
  findHiddenPids,
  injectionVars,
  DetailsCache,
  isAliveLeader,
  NAMESPACES,
  readProcess,
  relatedPids,
  type Namespace,
  type ProcessFacts,
} from './procfs.js';
import { mapLimit } from '../../util/concurrency.js';

const ENV_NAMES_MAX = 1024;
/** States always reported (0 when none), so alerts on e.g. zombies have a series to watch. */
const BASE_STATES = ['running', 'sleeping', 'disk_sleep', 'zombie', 'stopped', 'idle'];
export const SUSPICIOUS_REASONS = ['deleted_exe', 'ld_preload', 'wx_mapping', 'hidden', 'tmp_exec'] as const;

async function userNames(ctx: CollectContext): Promise<Map<number, string>> {
  const text = await ctx.fs.readTextIfExists('/etc/passwd');
  const names = new Map<number, string>();
  // At most limits.rows accounts are looked up; a process of another one shows its uid.
  const limit = { max: ctx.limits.rows, onCapped: (kept: number, total: number) => ctx.capped('/etc/passwd', kept, total) };
  // Like getpwuid(3): the first entry of a uid wins (root before a second uid-0 account).
  for (const e of text ? parsePasswd(text, undefined, limit) : []) if (!names.has(e.uid)) names.set(e.uid, e.name);
  return names;
}

function capList(names: string[], max: number): string {
  const s = names.join(',');
  return s.length > max ? s.slice(0, s.lastIndexOf(',', max)) + ',…' : s;
}


export const processes = defineCollector({
  name: 'processes',
  area: 'processes',
  description:
    'Processes from /proc/<pid>: identity, executable (sha256, deleted), rlimits, namespaces, open files by kind, ' +
    'memory-map and environment flags, container and systemd unit from the cgroup, and hidden processes.',
  defaultEnabled: true,
  interval: 30 * SECOND,
  timeout: 20 * SECOND,
  tables: [
    {
      name: 'processes',
      key: ['pid'],
      description: 'One row per process (thread-group leader), hidden ones included.',
      drift: {
        on: 'aggregate',
        by: ['exe', 'exe_sha256', 'user', 'container_id', 'unit', 'kernel_thread_name'],
        identity: processIdentity,
        count: 'processes',
        settle: { column: 'start_time', seconds: 300 },
        why: 'A pid is not news, a new long-running executable is: processes are grouped by executable, sha256, user, container and unit (kernel threads by name family); a group is news once one of its processes has run 5 minutes, and gone once none has run for 5 minutes (tools run now and then, restarts and upgrades make no noise).',
      },
      volatile: ['state', 'threads', 'fds_file', 'fds_socket', 'fds_pipe', 'fds_anon', 'deleted_mappings', 'wx_mappings', 'access_denied', 'exe_hash_note'],
      hostOnly: ['cmdline'],
    },
    { name: 'process_states', key: ['state'], description: 'Processes per state.' },
    { name: 'process_users', key: ['user'], description: 'Processes per effective user (capped; the rest is "other").' },
    { name: 'process_suspicious', key: ['reason'], description: 'Processes per suspicious trait.' },
    { name: 'process_summary', key: [], description: 'Totals: processes, threads, distinct executables, hidden processes, listed pids without a readable stat.' },
    { name: 'process_info', key: ['pid'], description: 'One row per process for per-series export (only with per_process).' },
  ],
  options: [
    { name: 'per_process', type: 'bool', default: false, help: 'Export hostbaseline_process_info, one series per process (high cardinality).' },
    { name: 'hash_executables', type: 'bool', default: true, help: 'sha256 of each distinct executable (cached by device, inode, size, mtime).' },
    { name: 'max_hash_bytes', type: 'int', default: 512 * 1024 * 1024, help: 'Executables larger than this are not hashed.' },
    { name: 'hidden_scan', type: 'bool', default: true, help: 'Look for processes missing from the /proc listing (reads task/*/children).' },
    {
      name: 'cmdline',
      type: 'string',
      default: 'redacted',
      help: 'How command lines are kept: redacted (secret-looking values replaced, cut to cmdline_max_length), sha256 (a hash of the arguments) or off.',
    },
    { name: 'cmdline_max_length', type: 'int', default: 256, help: 'Command lines are cut to this many characters (secrets are redacted first).' },
    { name: 'max_users', type: 'int', default: 50, help: 'Users reported in hostbaseline_processes_by_user; the others count as "other".' },
    {
      name: 'detail_max_age',
      type: 'duration',
      default: 2 * MINUTE,
      help: 'cmdline, environ, maps, limits, cgroup and namespaces of a process are read again after this long (and whenever it executes another program).',
    },
  ],
  async collect(ctx) {
    const empty = ['processes', 'process_states', 'process_users', 'process_suspicious', 'process_summary', 'process_info'].map((name) => ({ name, rows: [] }));
    const all = await listPids(ctx.fs);
    const src = all && (await DirectProcSource.open(ctx.fs));
    if (!all || !src) return empty;
    // Bounded before any process is read: the lowest pids (init, system daemons) are kept.
    const listed = all.length > ctx.limits.rows ? all.slice(0, ctx.limits.rows) : all;
    if (listed !== all) ctx.capped('/proc', listed.length, all.length);
    const opt = ctx.options;
    const cache = detailsCache(ctx);
    cache.begin();
    const readOpts = {
      cmdlineMax: Number(opt.cmdline_max_length),
      cmdlineMode: cmdlineMode(String(opt.cmdline)),
      onError: (file: string, message: string) => ctx.parseError(file, message),
      cache,
    };
    const read = (pid: number) => readProcess(src, pid, readOpts);
    const concurrency = 8;
    const found = (await mapLimit(listed, concurrency, read, ctx.signal)).filter((p): p is ProcessFacts => p !== null);
    // Listed pid directories with no readable stat: exited since the listing, or a /proc that lacks the file.
    const vanished = listed.length - found.length;

    const hiddenPids = new Set<number>();
    if (opt.hidden_scan) {
      // Every listed pid counts as listed, read or capped: a capped one is not hidden.
      const listedSet = new Set(all);
      const related = await mapLimit(found, concurrency, (p) => relatedPids(src, p.pid, p.status?.ppid ?? p.stat.ppid), ctx.signal);
      let hidden = await findHiddenPids(listedSet, related.flat(), (pid) => isAliveLeader(src, pid));
      if (hidden.length > 0) {
        // A process born after the first listing is not hidden: it shows up in a second one.
        const again = new Set((await listPids(ctx.fs)) ?? []);
        hidden = hidden.filter((pid) => !again.has(pid));
      }
      for (const p of await mapLimit(hidden, concurrency, read, ctx.signal)) {
        if (p) {
          found.push(p);
          hiddenPids.add(p.pid);
        }
      }
    }

    cache.end();
    const bootTime = parseProcStat((await ctx.fs.readTextIfExists('/proc/stat')) ?? '').btime;
    const users = await userNames(ctx);
    const hostNs = hostNamespaces(found);
    const hashes = await hashExecutables(ctx, found, hostNs.mnt);

    const rows: FactRow[] = [];
    const states = new Map<string, number>(BASE_STATES.map((s) => [s, 0]));
    const byUser = new Map<string, number>();
    const suspicious = new Map<string, number>(SUSPICIOUS_REASONS.map((r) => [r, 0]));
    let threads = 0;
    for (const p of found) {
      const st = p.status;
      const kernelThread = p.pid === 2 || p.stat.ppid === 2;
      const euid = st?.euid ?? null;
      const user = euid === null ? '' : users.get(euid) ?? String(euid);
      const env = injectionVars(p.envNames);
      const foreign = NAMESPACES.filter((n) => hostNs[n] !== undefined && p.namespaces[n] !== undefined && p.namespaces[n] !== hostNs[n]);
      const otherMounts = foreign.includes('mnt') && !p.exeDeleted;
      const hash = !p.exe ? undefined : otherMounts ? { sha256: null, reason: 'other mount namespace' } : hashes.get(p.exe);
      const flags = {
        deleted_exe: p.exeDeleted,
        ld_preload: env.has('LD_PRELOAD') || env.has('LD_AUDIT'),
        wx_mapping: (p.maps?.writableExecutable ?? 0) > 0,
        hidden: hiddenPids.has(p.pid),
        tmp_exec: isTmpExec(p.exe),
      };
      for (const r of SUSPICIOUS_REASONS) if (flags[r]) suspicious.set(r, suspicious.get(r)! + 1);
      const state = stateName(p.stat.state);
      states.set(state, (states.get(state) ?? 0) + 1);
      if (user) byUser.set(user, (byUser.get(user) ?? 0) + 1);
      threads += st?.threads ?? p.stat.threads;
      const cg = p.cgroup;
      rows.push({
        pid: p.pid,
        ppid: st?.ppid ?? p.stat.ppid,
        name: p.stat.comm,
        state,
        kernel_thread: kernelThread,
        exe: p.exe,
        exe_deleted: p.exeDeleted,
        exe_sha256: hash?.sha256 ?? null,
        exe_hash_note: p.exe ? (hash?.reason ?? '') : '',
        tmp_exec: flags.tmp_exec,
        cmdline: p.cmdline,
        uid: st?.uid ?? null,
        euid,
        gid: st?.gid ?? null,
        egid: st?.egid ?? null,
        user,
        start_time: bootTime === null ? null : bootTime + Math.floor(p.stat.startTicks / USER_HZ),
        threads: st?.threads ?? p.stat.threads,
        nofile_soft: p.limits?.nofile?.soft ?? null,
        nofile_hard: p.limits?.nofile?.hard ?? null,
        nproc_soft: p.limits?.nproc?.soft ?? null,
        core_soft: p.limits?.core?.soft ?? null,
        ...Object.fromEntries(NAMESPACES.map((n) => [`ns_${n}`, p.namespaces[n] ?? null])),
        foreign_namespaces: foreign.join(','),
        fds_file: p.fds?.file ?? null,
        fds_socket: p.fds?.socket ?? null,
        fds_pipe: p.fds?.pipe ?? null,
        fds_anon: p.fds?.anon ?? null,
        deleted_mappings: p.maps?.deleted ?? null,
        wx_mappings: p.maps?.writableExecutable ?? null,
        env_count: p.envNames?.length ?? null,
        env_names: p.envNames ? capList(p.envNames, ENV_NAMES_MAX) : null,
        ld_preload: env.has('LD_PRELOAD'),
        ld_library_path: env.has('LD_LIBRARY_PATH'),
        ld_audit: env.has('LD_AUDIT'),
        container_runtime: cg?.runtime ?? '',
        container_id: cg?.container_id ?? '',
        pod_uid: cg?.pod_uid ?? '',
        cgroup: cg?.path ?? '',
        unit: cg?.unit ?? '',
        user_unit_uid: cg?.user_unit_uid ?? null,
        hidden: flags.hidden,
        access_denied: p.denied.join(','),
      });
    }

    const maxUsers = Math.max(1, Number(opt.max_users));
    const userRows = [...byUser].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const other = userRows.slice(maxUsers).reduce((n, [, c]) => n + c, 0);
    const userTable = userRows.slice(0, maxUsers).map(([user, count]) => ({ user, count }));
    if (other > 0) userTable.push({ user: 'other', count: other });

    return [
      { name: 'processes', rows },
      { name: 'process_states', rows: [...states].map(([state, count]) => ({ state, count })) },
      { name: 'process_users', rows: userTable },
      { name: 'process_suspicious', rows: [...suspicious].map(([reason, count]) => ({ reason, count })) },
      {
        name: 'process_summary',
        rows: [{ processes: rows.length, threads, executables: hashes.size, hidden: hiddenPids.size, vanished }],
      },
      {
        name: 'process_info',
        rows: opt.per_process
          ? rows.map((r) => ({ pid: r.pid!, name: r.name!, exe: r.exe!, user: r.user!, container: r.container_id!, unit: r.unit! }))
          : [],
      },
    ];
  },
});

/**
 * Hashes each distinct executable once. A process in another mount namespace
 * sees another filesystem, so the host file at its exe path is not its binary:
 * those are left unhashed, as are deleted executables.
 */
async function hashExecutables(
  ctx: CollectContext,
  procs: ProcessFacts[],
  hostMnt: number | undefined,
): Promise<Map<string, HashResult>> {
  const out = new Map<string, HashResult>();
  const paths = new Set<string>();
  for (const p of procs) {
    if (!p.exe || out.has(p.exe)) continue;
    if (p.exeDeleted) out.set(p.exe, { sha256: null, reason: 'deleted from disk' });
    else if (hostMnt === undefined || p.namespaces.mnt === undefined || p.namespaces.mnt === hostMnt) paths.add(p.exe);
  }
  if (!ctx.options.hash_executables) {
    for (const path of paths) out.set(path, { sha256: null, reason: 'hashing disabled' });
    return out;
  }
  const cache = exeHashCache(ctx.memo);
  cache.beginRefresh();
  const max = Number(ctx.options.max_hash_bytes);
  await mapLimit(
    [...paths],
    4,
    async (path) => {
      try {
        out.set(path, await cache.hash(ctx.fs, path, max, ctx.signal));
      } catch (err) {
        ctx.signal.throwIfAborted();
        out.set(path, { sha256: null, reason: isNotFound(err) ? 'not found on disk' : (err as Error).message });
      }
    },
    ctx.signal,
  );
  return out;
}

/**
 * The host's namespaces: those of PID 1, or, where PID 1's links cannot be read
 * (some sandboxes deny them), of the lowest pid whose links can.
 */
export function hostNamespaces(procs: ProcessFacts[]): Partial<Record<Namespace, number>> {
  const out: Partial<Record<Namespace, number>> = {};
  const byPid = [...procs].sort((a, b) => a.pid - b.pid);
  for (const n of NAMESPACES) out[n] = byPid.find((p) => p.namespaces[n] !== undefined)?.namespaces[n];
  return out;
}

function cmdlineMode(v: string): 'redacted' | 'sha256' | 'off' {
  if (v === 'redacted' || v === 'sha256' || v === 'off') return v;
  throw new Error(`processes: option cmdline must be redacted, sha256 or off, not "${v}"`);
}

function detailsCache(ctx: CollectContext): DetailsCache {
  const maxAge = Number(ctx.options.detail_max_age);
  // Cached details hold the command line as formatted: a change of its options starts a new cache.
  const key = `details:${maxAge}:${String(ctx.options.cmdline)}:${String(ctx.options.cmdline_max_length)}`;
  let c = ctx.memo.get(key) as DetailsCache | undefined;
  if (!c) ctx.memo.set(key, (c = new DetailsCache(() => ctx.clock.now(), maxAge)));
  return c;
}
