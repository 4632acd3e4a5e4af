import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exeHashCache } from '../../../src/collectors/processes/exe-hash.js';
import type { ProcSource } from '../../../src/host/procfs/proc-source.js';
import { processes } from '../../../src/collectors/processes/processes.js';
import { DetailsCache, readProcess } from '../../../src/collectors/processes/procfs.js';
import { DEFAULT_LIMITS, type CollectContext, type FactRow, type FactTable } from '../../../src/collectors/types.js';
import { HostFs, HostFsError, type DirEntry } from '../../../src/host/hostfs.js';
import { fixedClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { collectOnce, fakeCommands, FIXTURE_TIME, fixturePath, tempDir } from '../../helpers.js';

const HOST_A = fixturePath('host-a');

function rowsOf(tables: FactTable[], name: string): FactRow[] {
  return tables.find((t) => t.name === name)!.rows;
}

/** Runs the collector directly with a given HostFs (to hide pids from the listing). */
async function collectWith(fs: HostFs, options: Record<string, unknown> = {}, memo = new Map<string, unknown>()) {
  const errors: string[] = [];
  const defaults = Object.fromEntries((processes.options ?? []).map((o) => [o.name, o.default]));
  const ctx: CollectContext = {
    fs,
    clock: fixedClock(FIXTURE_TIME),
    log: memoryLogger(),
    options: { ...defaults, ...options } as CollectContext['options'],
    signal: new AbortController().signal,
    commands: fakeCommands(),
    memo,
    parseError: (file, reason) => errors.push(`${file}: ${reason}`),
    limits: DEFAULT_LIMITS,
    capped: (source, kept, total) => errors.push(`${source}: capped, ${kept} of ${total}`),
  };
  return { tables: await processes.collect(ctx), errors };
}

class ListingHides extends HostFs {
  constructor(
    root: string,
    private readonly hidden: string[],
    private readonly extra: string[] = [],
  ) {
    super({ rootfs: root });
  }
  override async readdir(p: string): Promise<DirEntry[]> {
    const entries = await super.readdir(p);
    if (p !== '/proc') return entries;
    return [...entries.filter((e) => !this.hidden.includes(e.name)), ...this.extra.map((name) => ({ name, type: 'dir' as const }))];
  }
  // The pid listing is streamed: it hides the same entries.
  override async *entries(p: string): AsyncGenerator<DirEntry> {
    yield* await this.readdir(p);
  }
}

describe('processes on host-a', () => {
  it('reports every process with its facts', async () => {
    const { state, tables, samples } = await collectOnce(processes, HOST_A);
    expect(state.success, state.lastError ?? '').toBe(true);
    const byPid = new Map(tables.processes!.map((r) => [r.pid, r]));
    expect([...byPid.keys()].sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 412, 733, 1021, 1500, 2048, 2990, 3100]);
    expect(byPid.get(733)).toMatchObject({ name: 'sshd', exe: '/usr/sbin/sshd', unit: 'ssh.service', user: 'root', fds_socket: 2, nofile_soft: '1024' });
    expect(byPid.get(733)!.exe_sha256).toBe('7215b47f1232b62d2ab35939c1d72454673369e60a3b2fe2170d553a410ce026');
    expect(byPid.get(2048)).toMatchObject({ exe_deleted: true, tmp_exec: true, ld_preload: true, wx_mappings: 1, deleted_mappings: 1, user: 'bob' });
    expect(byPid.get(1021)).toMatchObject({ container_runtime: 'docker', exe_sha256: null, exe_hash_note: 'other mount namespace' });
    expect(byPid.get(1021)!.foreign_namespaces).toBe('mnt,net,pid,uts,ipc,cgroup');
    expect(byPid.get(3100)).toMatchObject({ container_runtime: 'containerd', pod_uid: '8e5f2a4c-1b3d-4e6f-9a7b-2c4d6e8f0a1b' });
    expect(byPid.get(1500)).toMatchObject({ unit: 'pipewire.service', user_unit_uid: 1000, ld_library_path: true });
    expect(byPid.get(2)).toMatchObject({ kernel_thread: true, exe: '' });
    expect(byPid.get(1)!.start_time).toBe(1768391877); // btime + 4 ticks / 100
    expect(samples).toContain('hostbaseline_processes{state="zombie"} 1');
    expect(samples).toContain('hostbaseline_process_suspicious{reason="ld_preload"} 1');
    expect(samples).not.toContain('hostbaseline_process_info');
  });

  it('never lets environment values or command-line secrets out', async () => {
    const { tables } = await collectOnce(processes, HOST_A, { options: { per_process: true } });
    const all = JSON.stringify(tables);
    for (const secret of ['hunter2', 'sk_live_51Hdemo', 's3cret', 'tok_secret_value']) expect(all).not.toContain(secret);
    expect(all).toContain('DB_PASSWORD'); // the name is kept
  });

  it('keeps command lines as hashes or not at all when asked', async () => {
    const hashed = await collectOnce(processes, HOST_A, { options: { cmdline: 'sha256' } });
    const raw = 'python3\0-m\0app\0--api-key=sk_live_51Hdemo\0--password\0hunter2\0https://svc:s3cret@db.internal:5432/app\0';
    expect(hashed.tables.processes!.find((r) => r.pid === 3100)!.cmdline).toBe('sha256:' + createHash('sha256').update(raw).digest('hex'));
    const off = await collectOnce(processes, HOST_A, { options: { cmdline: 'off' } });
    expect(off.tables.processes!.every((r) => r.cmdline === null)).toBe(true);
    const bad = await collectOnce(processes, HOST_A, { options: { cmdline: 'plain' } });
    expect(bad.state.success).toBe(false);
  });

  it('re-reads details when a process executes another program', () => {
    let reads = 0;
    const files: Record<string, string> = { '5/stat': '5 (sh) S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0', '5/cmdline': 'sh\0' };
    let exe = '/bin/sh';
    const src: ProcSource = {
      readText: (rel) => {
        if (rel.endsWith('/maps')) reads++;
        if (rel in files) return files[rel]!;
        throw new HostFsError(`/proc/${rel}`, 'ENOENT');
      },
      readBytes: (rel) => Buffer.from(src.readText(rel)),
      readlink: (rel) => {
        if (rel === '5/exe') return exe;
        throw new HostFsError(`/proc/${rel}`, 'ENOENT');
      },
      readdir: () => [],
    };
    let now = 0;
    const cache = new DetailsCache(() => now, 60_000);
    const read = () => {
      cache.begin();
      const p = readProcess(src, 5, { cmdlineMax: 256, onError: () => {}, cache });
      cache.end();
      return p;
    };
    read();
    read();
    expect(reads).toBe(1); // the second refresh used the cache
    exe = '/usr/bin/python3';
    files['5/cmdline'] = 'python3\0';
    expect(read()!.cmdline).toBe('python3');
    expect(reads).toBe(2);
    now = 61_000; // older than the longest max age
    read();
    expect(reads).toBe(3);
  });

  it('exports one series per process only with per_process', async () => {
    const { samples } = await collectOnce(processes, HOST_A, { options: { per_process: true } });
    expect(samples).toMatch(/hostbaseline_process_info\{pid="733",name="sshd",exe="\/usr\/sbin\/sshd",user="root",container="",unit="ssh.service"\} 1/);
  });

  it('succeeds with no rows on an empty host', async () => {
    const { state, tables } = await collectOnce(processes, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.processes).toEqual([]);
  });
});

describe('hidden processes', () => {
  it('finds a live thread-group leader missing from the /proc listing', async () => {
    const { tables } = await collectWith(new ListingHides(HOST_A, ['2048']));
    expect(rowsOf(tables, 'processes').find((r) => r.pid === 2048)).toMatchObject({ hidden: true, name: 'kworker/0:2' });
    expect(rowsOf(tables, 'process_suspicious').find((r) => r.reason === 'hidden')!.count).toBe(1);
  });
  it('does not take a thread (Tgid != pid) or a dead child pid for a hidden process', async () => {
    // pid 1's children list 31337, which does not exist; nginx's thread 1022 has no /proc/1022 here.
    const { tables } = await collectWith(new ListingHides(HOST_A, []));
    expect(rowsOf(tables, 'processes').filter((r) => r.hidden)).toEqual([]);
  });
});

describe('bad input', () => {
  it('skips processes that exit between the listing and the read', async () => {
    const { tables, errors } = await collectWith(new ListingHides(HOST_A, [], ['4242', '4243']));
    expect(rowsOf(tables, 'processes').map((r) => r.pid)).not.toContain(4242);
    expect(errors).toEqual([]);
  });

  it('keeps a process whose files vanish mid-read, with unknown facts', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'proc', '77'), { recursive: true });
    writeFileSync(path.join(root, 'proc', '77', 'stat'), '77 (short) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0');
    const { state, tables } = await collectOnce(processes, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.processes).toEqual([expect.objectContaining({ pid: 77, name: 'short', exe: '', cmdline: null, fds_file: null, user: '' })]);
    rmSync(root, { recursive: true });
  });

  it('counts a garbage stat as a parse error and goes on', async () => {
    const root = tempDir();
    cpSync(HOST_A + '/proc', path.join(root, 'proc'), { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(root, 'proc', '733', 'stat'), '\0\0garbage (((');
    rmSync(path.join(root, 'proc', '412', 'maps'));
    mkdirSync(path.join(root, 'proc', '412', 'maps')); // a directory where a file should be
    const { state, tables } = await collectOnce(processes, root);
    expect(state.success).toBe(true);
    expect(state.parseErrorsTotal).toBe(2);
    expect(tables.processes!.map((r) => r.pid)).not.toContain(733);
    expect(tables.processes!.find((r) => r.pid === 412)).toMatchObject({ wx_mappings: null, name: 'systemd-journal' });
    rmSync(root, { recursive: true });
  });

  it('reports files of other users it may not read, without failing', () => {
    const files: Record<string, string> = {
      '9/stat': '9 (secretive) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0',
      '9/status': 'Name:\tsecretive\nTgid:\t9\nUid:\t1000\t1000\t1000\t1000\n',
    };
    const denied = (rel: string) => new HostFsError(`/proc/${rel}`, 'EACCES');
    const src: ProcSource = {
      readText: (rel) => {
        if (rel in files) return files[rel]!;
        throw denied(rel);
      },
      readBytes: (rel) => {
        throw denied(rel);
      },
      readlink: (rel) => {
        throw denied(rel);
      },
      readdir: (rel) => {
        throw denied(rel);
      },
    };
    const p = readProcess(src, 9, { cmdlineMax: 256, onError: () => expect.fail('denied is not an error') })!;
    expect(p.status?.uid).toBe(1000);
    expect(p.denied).toEqual(expect.arrayContaining(['exe', 'fd', 'environ', 'maps', 'ns/net']));
    expect(p.exe).toBe('');
  });
});

describe('executable hash cache', () => {
  it('hashes an unchanged binary once, and again after it changes', async () => {
    const root = tempDir();
    cpSync(HOST_A + '/proc', path.join(root, 'proc'), { recursive: true, verbatimSymlinks: true });
    cpSync(HOST_A + '/usr', path.join(root, 'usr'), { recursive: true });
    cpSync(HOST_A + '/etc', path.join(root, 'etc'), { recursive: true });
    const fs = new HostFs({ rootfs: root });
    const memo = new Map<string, unknown>();
    await collectWith(fs, {}, memo);
    const cache = exeHashCache(memo);
    expect(cache.hashed).toBe(4); // systemd, journald, sshd, pipewire
    await collectWith(fs, {}, memo);
    expect(cache.hashed).toBe(4);
    writeFileSync(path.join(root, 'usr/sbin/sshd'), 'replaced binary');
    const { tables } = await collectWith(fs, {}, memo);
    expect(cache.hashed).toBe(5);
    expect(rowsOf(tables, 'processes').find((r) => r.pid === 733)!.exe_sha256).toBe(createHash('sha256').update('replaced binary').digest('hex'));
    rmSync(root, { recursive: true });
  });
});

describe('executables that must not be read', () => {
  it('skips a 10 GB sparse file, a FIFO and a symlink loop with a reason', async () => {
    const root = tempDir();
    const mk = (pid: number, exe: string) => {
      const d = path.join(root, 'proc', String(pid));
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'stat'), `${pid} (p${pid}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0`);
      symlinkSync(exe, path.join(d, 'exe'));
    };
    mkdirSync(path.join(root, 'opt'));
    const big = path.join(root, 'opt', 'big');
    writeFileSync(big, '');
    truncateSync(big, 10 * 1024 ** 3);
    execFileSync('mkfifo', [path.join(root, 'opt', 'fifo')]);
    symlinkSync('/opt/loop2', path.join(root, 'opt', 'loop1'));
    symlinkSync('/opt/loop1', path.join(root, 'opt', 'loop2'));
    mk(10, '/opt/big');
    mk(11, '/opt/fifo');
    mk(12, '/opt/loop1');
    const { state, tables } = await collectOnce(processes, root, { timeout: 5000 });
    expect(state.success, state.lastError ?? '').toBe(true);
    const note = (pid: number) => tables.processes!.find((r) => r.pid === pid)!.exe_hash_note;
    expect(note(10)).toMatch(/larger than 536870912 bytes/);
    expect(note(11)).toBe('not a regular file');
    expect(note(12)).toMatch(/too many levels of symbolic links/);
    rmSync(root, { recursive: true });
  });
});

