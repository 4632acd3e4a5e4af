import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HostFs } from '../../src/host/hostfs.js';
import { createEventMetrics } from '../../src/events/metrics.js';
import { startFim, type FimWatcher, type WatchFn } from '../../src/events/fim/watcher.js';
import type { EventSink, SecurityEvent } from '../../src/events/types.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../helpers.js';
import { watch } from 'node:fs';

function collector() {
  const events: SecurityEvent[] = [];
  const sink: EventSink = { emit: (_s, e) => events.push(e), dropped: () => {} };
  const waitFor = async (pred: (e: SecurityEvent) => boolean, what: string, ms = 5000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const hit = events.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${what}; got ${events.map((e) => `${e.name} ${e.attributes['file.path']}`).join(', ')}`);
  };
  return { events, sink, waitFor };
}

let fim: FimWatcher | null = null;
afterEach(async () => {
  await fim?.stop();
  fim = null;
});

const opts = { include: [] as string[], exclude: [] as string[], debounceMs: 30, maxWatches: 100, hashMaxBytes: 1 << 20, rescanMs: 100 };

describe('file integrity monitoring (inotify through fs.watch)', () => {
  it('reports create, modify with the new sha256, attribute change, move and delete with host paths', async () => {
    const root = tempDir('hb-fim-root-');
    mkdirSync(`${root}/etc/app`, { recursive: true });
    writeFileSync(`${root}/etc/app/a.conf`, 'one\n');
    const fs = new HostFs({ rootfs: root });
    const c = collector();
    const metrics = createEventMetrics();
    fim = await startFim({ fs, sink: c.sink, log: memoryLogger(), clock: systemClock, metrics, paths: ['/etc'], ...opts });
    expect(fim.watchCount).toBe(2);

    writeFileSync(`${root}/etc/app/new.conf`, 'hello');
    const created = await c.waitFor((e) => e.name === 'hostbaseline.file.created', 'created');
    expect(created.attributes).toMatchObject({
      'file.path': '/etc/app/new.conf',
      'file.size': 5,
      'file.hash.sha256': createHash('sha256').update('hello').digest('hex'),
      'file.owner.id': '0',
    });

    appendFileSync(`${root}/etc/app/a.conf`, 'two\n');
    const modified = await c.waitFor((e) => e.name === 'hostbaseline.file.modified', 'modified');
    expect(modified.attributes['file.path']).toBe('/etc/app/a.conf');
    expect(modified.attributes['file.hash.sha256']).toBe(createHash('sha256').update('one\ntwo\n').digest('hex'));

    chmodSync(`${root}/etc/app/a.conf`, 0o600);
    const attrib = await c.waitFor((e) => e.name === 'hostbaseline.file.attributes_changed', 'attrib');
    expect(attrib.attributes['file.mode']).toBe('0600');

    renameSync(`${root}/etc/app/new.conf`, `${root}/etc/app/moved.conf`);
    const moved = await c.waitFor((e) => e.name === 'hostbaseline.file.moved', 'moved');
    expect(moved.attributes).toMatchObject({ 'file.path': '/etc/app/moved.conf', 'hostbaseline.file.previous_path': '/etc/app/new.conf' });

    rmSync(`${root}/etc/app/moved.conf`);
    const deleted = await c.waitFor((e) => e.name === 'hostbaseline.file.deleted', 'deleted');
    expect(deleted.attributes['file.path']).toBe('/etc/app/moved.conf');
    expect(deleted.attributes['file.hash.sha256']).toBeUndefined();
  });

  it('debounces a burst of writes to one file into one event', async () => {
    const root = tempDir('hb-fim-burst-');
    mkdirSync(`${root}/d`);
    writeFileSync(`${root}/d/f`, '');
    const c = collector();
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: c.sink, log: memoryLogger(), clock: systemClock, paths: ['/d'], ...opts, debounceMs: 100 });
    for (let i = 0; i < 20; i++) appendFileSync(`${root}/d/f`, 'x');
    await c.waitFor((e) => e.name === 'hostbaseline.file.modified', 'modified');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.events.filter((e) => e.name === 'hostbaseline.file.modified')).toHaveLength(1);
  });

  it('a steady stream of writes is reported every window, not held back while it lasts', async () => {
    const root = tempDir('hb-fim-stream-');
    mkdirSync(`${root}/d`);
    writeFileSync(`${root}/d/f`, '');
    const c = collector();
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: c.sink, log: memoryLogger(), clock: systemClock, paths: ['/d'], ...opts, debounceMs: 200 });
    // A write every 20 ms for 2 s: about ten 200 ms windows. A trailing debounce would wait for a
    // quiet gap that never comes (or a multiple of the window) and send two or three.
    for (let i = 0; i < 100; i++) {
      appendFileSync(`${root}/d/f`, 'x');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(c.events.filter((e) => e.name === 'hostbaseline.file.modified').length).toBeGreaterThanOrEqual(5);
  });

  it('does not watch excluded directories and honours include globs (%% = any depth)', async () => {
    const root = tempDir('hb-fim-glob-');
    mkdirSync(`${root}/srv/cache/deep`, { recursive: true });
    mkdirSync(`${root}/srv/conf/sub`, { recursive: true });
    const c = collector();
    fim = await startFim({
      fs: new HostFs({ rootfs: root }),
      sink: c.sink,
      log: memoryLogger(),
      clock: systemClock,
      paths: ['/srv/%%'],
      ...opts,
      include: ['/srv/%%.conf'],
      exclude: ['/srv/cache'],
    });
    expect(fim.watchCount).toBe(3); // srv, conf, conf/sub — not cache, not cache/deep
    writeFileSync(`${root}/srv/cache/deep/x.conf`, '1');
    writeFileSync(`${root}/srv/conf/sub/y.txt`, '1');
    writeFileSync(`${root}/srv/conf/sub/z.conf`, '1');
    await c.waitFor((e) => e.name === 'hostbaseline.file.created', 'created');
    await new Promise((r) => setTimeout(r, 150));
    expect(c.events.map((e) => e.attributes['file.path'])).toEqual(['/srv/conf/sub/z.conf']);
  });

  it('re-attaches when a watched directory is deleted and recreated', async () => {
    const root = tempDir('hb-fim-recreate-');
    mkdirSync(`${root}/w`);
    writeFileSync(`${root}/w/old`, 'o');
    const c = collector();
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: c.sink, log: memoryLogger(), clock: systemClock, paths: ['/w'], ...opts });
    rmSync(`${root}/w`, { recursive: true });
    await c.waitFor((e) => e.name === 'hostbaseline.file.deleted' && e.attributes['file.path'] === '/w/old', 'deleted');
    mkdirSync(`${root}/w`);
    writeFileSync(`${root}/w/new`, 'n');
    await c.waitFor((e) => e.name === 'hostbaseline.file.created' && e.attributes['file.path'] === '/w/new', 'created after recreate');
    writeFileSync(`${root}/w/later`, 'l');
    await c.waitFor((e) => e.name === 'hostbaseline.file.created' && e.attributes['file.path'] === '/w/later', 'created in the re-watched directory');
  });

  it('reports the watch limit clearly (ENOSPC from inotify) and counts the watches it has', async () => {
    const root = tempDir('hb-fim-limit-');
    for (const d of ['a', 'b', 'c', 'd']) mkdirSync(`${root}/t/${d}`, { recursive: true });
    let n = 0;
    const limited: WatchFn = (dir, listener) => {
      if (++n > 2) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
      return watch(dir, { persistent: false }, listener);
    };
    const log = memoryLogger();
    const registry = new (await import('prom-client')).Registry();
    const metrics = createEventMetrics(registry);
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: collector().sink, log, clock: systemClock, metrics, paths: ['/t'], ...opts, watch: limited });
    expect(fim.watchCount).toBe(2);
    expect(log.lines.filter((l) => l.includes('fs.inotify.max_user_watches'))).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toContain('hostbaseline_fim_watches 2');
    expect(text).toContain('hostbaseline_fim_watch_errors_total 3');
  });
});
