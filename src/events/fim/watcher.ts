import { createHash } from 'node:crypto';
import { watch as fsWatch, type FSWatcher, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { HostFs } from '../../host/hostfs.js';
import { escapeName, fsPath } from '../../host/names.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { FimConfig } from '../config.js';
import type { EventMetrics } from '../metrics.js';
import { putAttr, type EventAttributes, type EventSink, type RunningSource, type SecurityEvent } from '../types.js';
import { literalRoot, PathFilter, hasWildcard } from './glob.js';
import { FimStateStore, offlineChanges, type FileEntry } from './state.js';

/** fs.watch, injectable so tests can play a kernel that ran out of inotify watches. */
export type WatchFn = (dir: string, listener: (event: string, filename: string | Buffer | null) => void) => FSWatcher;

// Paths here are escaped (src/host/names.ts); names arrive as bytes and are escaped likewise.
const defaultWatch: WatchFn = (dir, listener) => fsWatch(fsPath(dir), { persistent: false, encoding: 'buffer' }, listener);

/** A name from fs.watch: bytes are escaped; a string is taken as already escaped. */
const watchedName = (filename: string | Buffer): string => (typeof filename === 'string' ? filename : escapeName(filename));

/** The configuration (paths are host path specs: `/etc`, `/etc/%%`, `/home/%/.ssh`) and what the watcher needs. */
export interface FimOptions extends FimConfig {
  fs: HostFs;
  sink: EventSink;
  log: Logger;
  clock: Clock;
  metrics?: EventMetrics;
  /** How often missing roots are looked for (a watched directory deleted and recreated). */
  rescanMs?: number;
  watch?: WatchFn;
  /** Where what FIM saw is kept between runs (changes made while stopped are reported at start); none without. */
  stateDir?: string;
  /** How long after a change the state file is rewritten. */
  saveDelayMs?: number;
}

interface Known {
  ino: number;
  dev: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Tells a recreated directory from the old one when the kernel reuses the inode number. */
  birthtimeMs: number;
  dir: boolean;
  /** sha256 of a regular file's content (null: not hashed). */
  sha256: string | null;
}

function known(st: Stats, sha256: string | null = null): Known {
  return { ino: st.ino, dev: st.dev, mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, birthtimeMs: st.birthtimeMs, dir: st.isDirectory(), sha256 };
}

function entryOf(k: Known): FileEntry {
  return { sha256: k.sha256, size: k.size, mode: k.mode, uid: k.uid, gid: k.gid, mtimeMs: k.mtimeMs, ctimeMs: k.ctimeMs, ino: k.ino };
}

/** The same file content as recorded: inode, size, mtime and ctime unchanged (ctime cannot be set back from userland). */
function sameContent(a: FileEntry, st: Stats): boolean {
  return a.ino === st.ino && a.size === st.size && a.mtimeMs === st.mtimeMs && a.ctimeMs === st.ctimeMs;
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');
const short = (h: string | null | undefined) => (h ? `${h.slice(0, 8)}…` : 'none');
/** A host path in a sentence: control characters escaped. */
const shownPath = (p: string) => p.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * File integrity monitoring: one inotify watch (fs.watch) per directory under the
 * configured roots — excluded subtrees are never watched. Changes are debounced, then
 * each touched path is compared with what was known of it: created, modified (new
 * sha256), attributes changed, deleted, or moved (same inode under another name).
 */
export class FimWatcher implements RunningSource {
  readonly name = 'fim' as const;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly state = new Map<string, Known>();
  private readonly pending = new Set<string>();
  private readonly filter: PathFilter;
  private readonly roots: { local: string; host: string }[] = [];
  private debounceTimer: NodeJS.Timeout | null = null;
  private firstPendingAt = 0;
  private rescanTimer: NodeJS.Timeout | null = null;
  private processing: Promise<void> = Promise.resolve();
  private stopped = false;
  private limitReported = false;
  private readonly watch: WatchFn;
  private readonly store: FimStateStore | null;
  /** What the state file said at start (hashes are reused for files that did not change). */
  private saved: Map<string, FileEntry> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private capReported = false;

  constructor(private readonly o: FimOptions) {
    // A root without wildcards covers everything below it; one with wildcards only what they match.
    const scope = o.paths.flatMap((p) => (hasWildcard(p) ? [p] : [p, `${p.replace(/\/+$/, '')}/%%`]));
    this.filter = new PathFilter(o.include, o.exclude, scope);
    this.watch = o.watch ?? defaultWatch;
    this.store = o.stateDir ? new FimStateStore(o.stateDir, o.log) : null;
  }

  get watchCount(): number {
    return this.watchers.size;
  }

  /** Resolves the roots inside the host root and watches them (missing roots are retried). */
  async start(): Promise<void> {
    const specs = [...new Set(this.o.paths.map(literalRoot))];
    for (const spec of specs) {
      const local = await this.o.fs.realPath(spec);
      const root = this.o.fs.rootfs;
      const host = root === '/' ? local : local.slice(root.length) || '/';
      this.roots.push({ local, host });
    }
    this.saved = this.store?.load() ?? null;
    for (const r of this.roots) await this.attach(r.local, false);
    this.updateGauge();
    if (this.saved) await this.reportOffline(this.saved);
    this.saved = null;
    this.saveState();
    this.rescanTimer = setInterval(() => void this.rescan(), this.o.rescanMs ?? 1000);
    this.rescanTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.processing;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveState();
    this.updateGauge();
  }

  /** Changes made while the exporter was stopped: compared with the saved state, reported as offline. */
  private async reportOffline(saved: Map<string, FileEntry>): Promise<void> {
    const now = new Map<string, FileEntry>();
    for (const [local, k] of this.state) {
      const host = this.hostPath(local);
      if (!k.dir && this.filter.reported(host)) now.set(host, entryOf(k));
    }
    const covered = (host: string) => this.filter.reported(host) && this.roots.some((r) => host === r.host || host.startsWith(r.host.replace(/\/+$/, '') + '/'));
    for (const c of offlineChanges(saved, now, covered)) {
      const local = this.o.fs.rootfs === '/' ? c.path : path.join(this.o.fs.rootfs, c.path);
      const st = c.after ? await fsp.lstat(local).catch(() => null) : null;
      if (c.after && !st) continue; // gone again since
      await this.report(c.kind, local, st, c.before, { 'hostbaseline.fim.offline': true }, true);
    }
  }

  /** Writes what is known now to the state directory (bounded; what does not fit is logged once). */
  private saveState(): void {
    if (!this.store) return;
    const files: [string, FileEntry][] = [];
    for (const [local, k] of this.state) if (!k.dir) files.push([this.hostPath(local), entryOf(k)]);
    try {
      const left = this.store.save(files);
      if (left > 0 && !this.capReported) {
        this.capReported = true;
        this.o.log.warn('file integrity state is full: changes to the other files made while stopped will not be reported', { not_kept: left, file: this.store.file });
      }
    } catch (err) {
      this.o.log.warn('cannot save the file integrity state', { file: this.store.file, err: (err as Error).message });
    }
  }

  private scheduleSave(): void {
    if (!this.store || this.saveTimer || this.stopped) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saveState();
    }, this.o.saveDelayMs ?? 2000);
    this.saveTimer.unref();
  }

  private hostPath(local: string): string {
    const root = this.o.fs.rootfs;
    return root === '/' ? local : local.slice(root.length) || '/';
  }

  private updateGauge(): void {
    this.o.metrics?.setFimWatches(this.watchers.size);
  }

  /** Walks a directory tree: records what is there, watches each directory, and reports new files when `announce`. */
  private async attach(local: string, announce: boolean): Promise<void> {
    if (this.stopped || this.filter.excluded(this.hostPath(local))) return;
    let st: Stats;
    try {
      st = await fsp.lstat(fsPath(local));
    } catch {
      return;
    }
    const prev = this.state.get(local);
    const k = known(st);
    if (st.isFile()) {
      const was = this.saved?.get(this.hostPath(local));
      k.sha256 = was && was.sha256 && sameContent(was, st) ? was.sha256 : ((await this.hash(local, st)) ?? null);
    }
    this.state.set(local, k);
    if (announce && !prev && !st.isDirectory()) await this.report('created', local, st, null);
    if (!st.isDirectory()) return;
    this.watchDir(local);
    let entries: string[];
    try {
      entries = (await fsp.readdir(fsPath(local), { encoding: 'buffer' })).map(escapeName);
    } catch {
      return;
    }
    for (const e of entries) await this.attach(path.join(local, e), announce);
  }

  private watchDir(dir: string): void {
    if (this.watchers.has(dir)) return;
    if (this.watchers.size >= this.o.maxWatches) {
      this.watchLimit(dir, `the configured limit of ${this.o.maxWatches} watches (--events.fim.max-watches)`);
      return;
    }
    try {
      const w = this.watch(dir, (event, filename) => {
        this.touch(filename?.length ? path.join(dir, watchedName(filename)) : dir);
        // The directory itself may be the one deleted or renamed: look at it too.
        if (event === 'rename') this.touch(dir);
      });
      w.on('error', () => {
        // The directory went away: the rescan and the parent's event handle it.
        w.close();
        if (this.watchers.get(dir) === w) this.watchers.delete(dir);
        this.touch(dir);
      });
      this.watchers.set(dir, w);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE') {
        this.watchLimit(dir, `the kernel's inotify limit (fs.inotify.max_user_watches): raise it with sysctl -w fs.inotify.max_user_watches=<n>`);
      } else if (code !== 'ENOENT') this.o.log.warn('cannot watch directory', { dir: this.hostPath(dir), err: (err as Error).message });
    }
  }

  private watchLimit(dir: string, why: string): void {
    this.o.metrics?.fimWatchErrors();
    if (this.limitReported) return;
    this.limitReported = true;
    this.o.log.error(`file integrity monitoring reached ${why}; directories beyond it are not watched`, {
      dir: this.hostPath(dir),
      watches: this.watchers.size,
    });
  }

  private touch(local: string): void {
    if (this.stopped) return;
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    this.pending.add(local);
    // One window from the first pending change: the changes that follow it within the window are
    // coalesced with it, and none waits longer than the window, however steady the stream.
    if (this.debounceTimer) return;
    const wait = Math.max(0, this.firstPendingAt + this.o.debounceMs - Date.now());
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.processing = this.processing.then(() => this.process()).catch((err) => this.o.log.error('fim failed', { err: (err as Error).message }));
    }, wait);
  }

  /** Compares every touched path with what was known and sends the events. */
  private async process(): Promise<void> {
    const paths = [...this.pending].sort();
    this.pending.clear();
    const now = new Map<string, Stats | null>();
    for (const p of paths) now.set(p, await fsp.lstat(fsPath(p)).catch(() => null));
    // Moves: a path that vanished and one that appeared with the same inode.
    const vanished = new Map<string, string>();
    for (const p of paths) {
      const prev = this.state.get(p);
      if (prev && !now.get(p)) vanished.set(`${prev.dev}:${prev.ino}`, p);
    }
    for (const p of paths) {
      const st = now.get(p) ?? null;
      const prev = this.state.get(p);
      if (!st) {
        if (!prev) continue;
        if ([...vanished.values()].includes(p) && this.movedAway(p, paths, now)) continue;
        await this.removeTree(p);
        continue;
      }
      const from = vanished.get(`${st.dev}:${st.ino}`);
      if (!prev && from && from !== p) {
        vanished.delete(`${st.dev}:${st.ino}`);
        await this.moveTree(from, p, st);
        continue;
      }
      if (!prev) {
        this.state.set(p, known(st, st.isFile() ? ((await this.hash(p, st)) ?? null) : null));
        if (st.isDirectory()) await this.attach(p, true);
        else await this.report('created', p, st, null);
        continue;
      }
      if (st.isDirectory() && (prev.ino !== st.ino || prev.birthtimeMs !== st.birthtimeMs || !prev.dir)) {
        // Deleted and recreated between two looks: the old tree is gone, the new one is watched afresh.
        await this.removeTree(p);
        await this.attach(p, true);
        continue;
      }
      const next = known(st, prev.sha256);
      const metaChanged = prev.ino !== st.ino || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs;
      // A content change that kept size and mtime (touch -r) still moves ctime: hash again then.
      if (st.isFile() && (metaChanged || prev.ctimeMs !== st.ctimeMs)) next.sha256 = (await this.hash(p, st)) ?? null;
      this.state.set(p, next);
      if (st.isDirectory()) {
        if (!this.watchers.has(p)) await this.attach(p, true);
        else if (prev.mode !== st.mode || prev.uid !== st.uid || prev.gid !== st.gid) await this.report('attributes_changed', p, st, entryOf(prev));
        continue;
      }
      const hashChanged = next.sha256 !== null && prev.sha256 !== null && next.sha256 !== prev.sha256;
      if (metaChanged || hashChanged) await this.report('modified', p, st, entryOf(prev));
      else if (prev.mode !== st.mode || prev.uid !== st.uid || prev.gid !== st.gid || prev.ctimeMs !== st.ctimeMs) await this.report('attributes_changed', p, st, entryOf(prev));
    }
    this.scheduleSave();
  }

  private movedAway(p: string, paths: string[], now: Map<string, Stats | null>): boolean {
    const prev = this.state.get(p)!;
    return paths.some((q) => q !== p && !this.state.has(q) && now.get(q)?.ino === prev.ino && now.get(q)?.dev === prev.dev);
  }

  private async moveTree(from: string, to: string, st: Stats): Promise<void> {
    const moved = this.state.get(from);
    for (const [p, k] of [...this.state]) {
      if (p === from || p.startsWith(from + '/')) {
        this.state.delete(p);
        const w = this.watchers.get(p);
        if (w) {
          w.close();
          this.watchers.delete(p);
        }
        if (p !== from) this.state.set(to + p.slice(from.length), k);
      }
    }
    this.state.set(to, known(st, moved && moved.ino === st.ino && moved.size === st.size && moved.mtimeMs === st.mtimeMs ? moved.sha256 : null));
    if (st.isDirectory()) await this.attach(to, true);
    this.updateGauge();
    const fromHost = this.hostPath(from);
    await this.report('moved', to, st, null, { 'hostbaseline.file.previous_path': fromHost }, this.filter.reported(fromHost));
  }

  private async removeTree(p: string): Promise<void> {
    const gone = [...this.state.keys()].filter((q) => q === p || q.startsWith(p + '/')).sort().reverse();
    for (const q of gone) {
      const k = this.state.get(q)!;
      this.state.delete(q);
      const w = this.watchers.get(q);
      if (w) {
        w.close();
        this.watchers.delete(q);
      }
      if (!k.dir) await this.report('deleted', q, null, entryOf(k));
    }
    this.updateGauge();
  }

  /** Roots that disappeared are re-attached when they come back. */
  private async rescan(): Promise<void> {
    for (const r of this.roots) {
      const st = await fsp.lstat(fsPath(r.local)).catch(() => null);
      const prev = this.state.get(r.local);
      if (!st && prev) this.touch(r.local);
      else if (st && (!prev || prev.ino !== st.ino || prev.birthtimeMs !== st.birthtimeMs || (st.isDirectory() && !this.watchers.has(r.local)))) this.touch(r.local);
    }
  }

  private async report(kind: string, local: string, st: Stats | null, prev: FileEntry | null, extra: EventAttributes = {}, force = false): Promise<void> {
    const host = this.hostPath(local);
    if (!force && !this.filter.reported(host)) return;
    const attrs: EventAttributes = { 'file.path': host, 'file.name': path.posix.basename(host), 'file.directory': path.posix.dirname(host), ...extra };
    let sha256: string | null = null;
    if (st) {
      putAttr(attrs, 'file.size', st.size);
      attrs['file.mode'] = octal(st.mode);
      attrs['file.owner.id'] = String(st.uid);
      attrs['file.group.id'] = String(st.gid);
      attrs['file.inode'] = String(st.ino);
      attrs['file.modified'] = new Date(st.mtimeMs).toISOString();
      if (st.isFile()) {
        const k = this.state.get(local);
        sha256 = k && k.sha256 && k.ino === st.ino && k.size === st.size && k.mtimeMs === st.mtimeMs ? k.sha256 : ((await this.hash(local, st)) ?? null);
        if (kind !== 'attributes_changed') putAttr(attrs, 'file.hash.sha256', sha256);
      }
      if (st.isSymbolicLink()) putAttr(attrs, 'file.symbolic_link.target_path', await fsp.readlink(fsPath(local), { encoding: 'buffer' }).then(escapeName, () => undefined));
    }
    if (prev) {
      const before: EventAttributes = { size: prev.size, mode: octal(prev.mode), 'owner.id': String(prev.uid), 'group.id': String(prev.gid), modified: new Date(prev.mtimeMs).toISOString() };
      if (prev.sha256) before['hash.sha256'] = prev.sha256;
      attrs['hostbaseline.file.previous'] = before;
    }
    const offline = extra['hostbaseline.fim.offline'] === true;
    const severity: SecurityEvent['severity'] = kind === 'created' ? 'INFO' : 'WARN';
    this.o.sink.emit('fim', {
      name: `hostbaseline.file.${kind}`,
      severity,
      time: this.o.clock.now(),
      attributes: attrs,
      body: fimBody(kind, host, st, prev, sha256, extra['hostbaseline.file.previous_path']) + (offline ? ' while hostbaseline was stopped' : ''),
    });
  }

  private async hash(local: string, st: Stats): Promise<string | undefined> {
    if (st.size > this.o.hashMaxBytes) return undefined;
    try {
      const h = createHash('sha256');
      const fh = await fsp.open(fsPath(local), fsp.constants.O_RDONLY | fsp.constants.O_NOFOLLOW | fsp.constants.O_NONBLOCK);
      try {
        const buf = Buffer.allocUnsafe(64 * 1024);
        let total = 0;
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          total += bytesRead;
          if (total > this.o.hashMaxBytes) return undefined;
          h.update(buf.subarray(0, bytesRead));
        }
      } finally {
        await fh.close();
      }
      return h.digest('hex');
    } catch {
      return undefined; // gone or unreadable by now
    }
  }
}

/** "/usr/bin/sudo modified: sha256 a1b2… → c3d4…", "/etc/x attributes changed: mode 0644 → 4755". */
export function fimBody(kind: string, host: string, st: Stats | null, prev: FileEntry | null, sha256: string | null, from?: unknown): string {
  const p = shownPath(host);
  const diffs: string[] = [];
  if (prev && st) {
    if (kind === 'modified' && (prev.sha256 || sha256) && prev.sha256 !== sha256) diffs.push(`sha256 ${short(prev.sha256)} → ${short(sha256)}`);
    if (prev.size !== st.size) diffs.push(`size ${prev.size} → ${st.size}`);
    if ((prev.mode & 0o7777) !== (st.mode & 0o7777)) diffs.push(`mode ${octal(prev.mode)} → ${octal(st.mode)}`);
    if (prev.uid !== st.uid) diffs.push(`uid ${prev.uid} → ${st.uid}`);
    if (prev.gid !== st.gid) diffs.push(`gid ${prev.gid} → ${st.gid}`);
  }
  switch (kind) {
    case 'created':
      return st ? `${p} created (${st.size} bytes, mode ${octal(st.mode)}, uid ${st.uid})` : `${p} created`;
    case 'moved':
      return `${shownPath(String(from ?? '?'))} moved to ${p}`;
    case 'deleted':
      return `${p} deleted`;
    case 'attributes_changed':
      return `${p} attributes changed${diffs.length ? `: ${diffs.join(', ')}` : ''}`;
    default:
      return `${p} ${kind}${diffs.length ? `: ${diffs.join(', ')}` : ''}`;
  }
}

export async function startFim(o: FimOptions): Promise<FimWatcher> {
  const w = new FimWatcher(o);
  await w.start();
  return w;
}
