import { appendFileSync, chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFim, type FimWatcher } from '../../src/events/fim/watcher.js';
import { offlineChanges, type FileEntry } from '../../src/events/fim/state.js';
import type { EventSink, SecurityEvent } from '../../src/events/types.js';
import { HostFs } from '../../src/host/hostfs.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { tempDir } from '../helpers.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const opts = { include: [] as string[], exclude: [] as string[], debounceMs: 30, maxWatches: 100, hashMaxBytes: 1 << 20, rescanMs: 100, saveDelayMs: 20 };

function collector() {
  const events: SecurityEvent[] = [];
  const sink: EventSink = { emit: (_s, e) => events.push(e), dropped: () => {} };
  return { events, sink };
}

let fim: FimWatcher | null = null;
afterEach(async () => {
  await fim?.stop();
  fim = null;
});

describe('changes made while the exporter was stopped (like syscheck and AIDE)', () => {
  it('reports creations, deletions, modifications and attribute changes at start, marked offline', async () => {
    const root = tempDir('hb-fim-off-');
    const state = tempDir('hb-fim-state-');
    mkdirSync(`${root}/etc/app`, { recursive: true });
    mkdirSync(`${root}/usr/bin`, { recursive: true });
    writeFileSync(`${root}/etc/app/a.conf`, 'one\n');
    writeFileSync(`${root}/etc/app/gone.conf`, 'bye\n');
    writeFileSync(`${root}/etc/app/mode.conf`, 'x');
    writeFileSync(`${root}/usr/bin/sudo`, 'real sudo');
    writeFileSync(`${root}/etc/app/same-size.conf`, 'aaaa');
    const fs = new HostFs({ rootfs: root });
    const first = collector();
    fim = await startFim({ fs, sink: first.sink, log: memoryLogger(), clock: systemClock, stateDir: state, paths: ['/etc', '/usr/bin'], ...opts });
    await fim.stop();
    fim = null;
    expect(first.events).toEqual([]); // the first run ever reports nothing, it records
    const saved = JSON.parse(readFileSync(`${state}/fim/files.json`, 'utf8'));
    expect(saved.files.map((f: unknown[]) => f[0]).sort()).toEqual(['/etc/app/a.conf', '/etc/app/gone.conf', '/etc/app/mode.conf', '/etc/app/same-size.conf', '/usr/bin/sudo']);

    // While stopped.
    appendFileSync(`${root}/etc/app/a.conf`, 'two\n');
    rmSync(`${root}/etc/app/gone.conf`);
    chmodSync(`${root}/etc/app/mode.conf`, 0o4755);
    writeFileSync(`${root}/etc/app/new.conf`, 'new');
    writeFileSync(`${root}/usr/bin/sudo`, 'evil sudo');
    // Same size, mtime put back: only the hash (after a ctime change) tells.
    const st = statSync(`${root}/etc/app/same-size.conf`);
    writeFileSync(`${root}/etc/app/same-size.conf`, 'bbbb');
    utimesSync(`${root}/etc/app/same-size.conf`, st.atime, st.mtime);

    const log = memoryLogger();
    const second = collector();
    fim = await startFim({ fs, sink: second.sink, log, clock: systemClock, stateDir: state, paths: ['/etc', '/usr/bin'], ...opts });
    const got = second.events.map((e) => [e.name, e.attributes['file.path'], e.attributes['hostbaseline.fim.offline']]);
    expect(got).toEqual([
      ['hostbaseline.file.modified', '/etc/app/a.conf', true],
      ['hostbaseline.file.deleted', '/etc/app/gone.conf', true],
      ['hostbaseline.file.attributes_changed', '/etc/app/mode.conf', true],
      ['hostbaseline.file.created', '/etc/app/new.conf', true],
      ['hostbaseline.file.modified', '/etc/app/same-size.conf', true],
      ['hostbaseline.file.modified', '/usr/bin/sudo', true],
    ]);
    const sudo = second.events.find((e) => e.attributes['file.path'] === '/usr/bin/sudo')!;
    expect(sudo.attributes['file.hash.sha256']).toBe(sha('evil sudo'));
    expect(sudo.attributes['hostbaseline.file.previous']).toMatchObject({ 'hash.sha256': sha('real sudo'), size: 9, mode: '0644' });
    expect(sudo.body).toBe(`/usr/bin/sudo modified: sha256 ${sha('real sudo').slice(0, 8)}… → ${sha('evil sudo').slice(0, 8)}… while hostbaseline was stopped`);
    const mode = second.events.find((e) => e.attributes['file.path'] === '/etc/app/mode.conf')!;
    expect(mode.body).toBe('/etc/app/mode.conf attributes changed: mode 0644 → 4755 while hostbaseline was stopped');
    const gone = second.events.find((e) => e.name === 'hostbaseline.file.deleted')!;
    expect(gone.attributes['hostbaseline.file.previous']).toMatchObject({ 'hash.sha256': sha('bye\n'), size: 4 });
    await fim.stop();
    fim = null;

    // Nothing changed since: the next start is silent.
    const third = collector();
    fim = await startFim({ fs, sink: third.sink, log, clock: systemClock, stateDir: state, paths: ['/etc', '/usr/bin'], ...opts });
    expect(third.events).toEqual([]);
  });

  it('a modified file reported live carries its previous hash, size, mode and owner', async () => {
    const root = tempDir('hb-fim-prev-');
    mkdirSync(`${root}/etc`, { recursive: true });
    writeFileSync(`${root}/etc/hosts`, '127.0.0.1 localhost\n');
    const events: SecurityEvent[] = [];
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: { emit: (_s, e) => events.push(e), dropped: () => {} }, log: memoryLogger(), clock: systemClock, paths: ['/etc'], ...opts });
    appendFileSync(`${root}/etc/hosts`, '10.0.0.1 evil\n');
    const end = Date.now() + 5000;
    while (!events.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(events[0]!.name).toBe('hostbaseline.file.modified');
    expect(events[0]!.attributes['hostbaseline.file.previous']).toMatchObject({ 'hash.sha256': sha('127.0.0.1 localhost\n'), size: 20, 'owner.id': String(process.getuid!()) });
    expect(events[0]!.body).toMatch(/^\/etc\/hosts modified: sha256 [0-9a-f]{8}… → [0-9a-f]{8}…, size 20 → 34$/);
  });

  it('a garbage state file is logged and rebuilt; a symlink at a temporary name is never followed', async () => {
    const root = tempDir('hb-fim-bad-');
    const state = tempDir('hb-fim-bad-state-');
    mkdirSync(`${root}/etc`, { recursive: true });
    writeFileSync(`${root}/etc/a`, 'a');
    mkdirSync(`${state}/fim`);
    writeFileSync(`${state}/fim/files.json`, '{"version":1,"files":[["/etc/a",');
    const victim = `${tempDir()}/victim`;
    writeFileSync(victim, 'precious');
    for (const pid of [process.pid, 1, 2]) symlinkSync(victim, `${state}/fim/files.json.${pid}.tmp`);
    const log = memoryLogger();
    const c = collector();
    fim = await startFim({ fs: new HostFs({ rootfs: root }), sink: c.sink, log, clock: systemClock, stateDir: state, paths: ['/etc'], ...opts });
    expect(c.events).toEqual([]);
    expect(log.lines.filter((l) => l.includes('file integrity state is corrupt')).length).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(JSON.parse(readFileSync(`${state}/fim/files.json`, 'utf8')).files.length).toBe(1);
  });
});

describe('offlineChanges', () => {
  const e = (sha256: string | null, extra: Partial<FileEntry> = {}): FileEntry => ({ sha256, size: 1, mode: 0o100644, uid: 0, gid: 0, mtimeMs: 1, ctimeMs: 1, ino: 1, ...extra });
  it('a saved path no longer covered by the configuration is not "deleted"', () => {
    const saved = new Map([['/etc/a', e('a'.repeat(64))], ['/old/root/b', e(null)]]);
    const now = new Map([['/etc/a', e('a'.repeat(64))]]);
    expect(offlineChanges(saved, now, (p) => p.startsWith('/etc/'))).toEqual([]);
  });
});
