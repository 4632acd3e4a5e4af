import { appendFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileFollower, positionFileFor } from '../../../src/events/follower.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { tempDir } from '../../helpers.js';

function setup(o: { maxLineBytes?: number; startAtEnd?: boolean } = {}) {
  const root = tempDir('hb-follow-');
  const state = tempDir('hb-follow-state-');
  mkdirSync(`${root}/var/log`, { recursive: true });
  const lines: string[] = [];
  const oversized: number[] = [];
  const make = () =>
    new FileFollower({
      fs: new HostFs({ rootfs: root }),
      file: '/var/log/x.log',
      stateFile: positionFileFor(state, '/var/log/x.log'),
      log: memoryLogger(),
      onLine: (l) => lines.push(l),
      onOversized: (n) => oversized.push(n),
      startAtEnd: o.startAtEnd ?? false,
      ...(o.maxLineBytes ? { maxLineBytes: o.maxLineBytes } : {}),
    });
  return { file: `${root}/var/log/x.log`, root, lines, oversized, make };
}

describe('FileFollower', () => {
  it('keeps a half-written last line until it is completed', async () => {
    const t = setup();
    writeFileSync(t.file, 'one\ntw');
    const f = t.make();
    await f.poll();
    expect(t.lines).toEqual(['one']);
    appendFileSync(t.file, 'o\nthree\n');
    await f.poll();
    expect(t.lines).toEqual(['one', 'two', 'three']);
  });

  it('reads the rest of a rotated file before the new one, and restarts at 0 after truncation', async () => {
    const t = setup();
    writeFileSync(t.file, 'a\n');
    const f = t.make();
    await f.poll();
    appendFileSync(t.file, 'b\n');
    renameSync(t.file, `${t.file}.1`);
    writeFileSync(t.file, 'c\n');
    await f.poll();
    expect(t.lines).toEqual(['a', 'b', 'c']);
    truncateSync(t.file, 0);
    await f.poll(); // seen shorter than the position: truncated
    appendFileSync(t.file, 'd\n');
    await f.poll();
    expect(t.lines).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps its position across restarts: nothing twice, nothing lost (also across a rotation while down)', async () => {
    const t = setup({ startAtEnd: true });
    writeFileSync(t.file, 'old history\n');
    let f = t.make();
    await f.poll(); // first run ever: starts at the end
    appendFileSync(t.file, 'e1\ne2 partial');
    await f.poll();
    await f.stop();
    expect(t.lines).toEqual(['e1']);
    appendFileSync(t.file, ' done\ne3\n');
    f = t.make();
    await f.poll();
    await f.stop();
    expect(t.lines).toEqual(['e1', 'e2 partial done', 'e3']);
    // Rotated while the exporter was down.
    appendFileSync(t.file, 'e4\n');
    renameSync(t.file, `${t.file}.1`);
    writeFileSync(t.file, 'e5\n');
    f = t.make();
    await f.poll();
    await f.stop();
    expect(t.lines).toEqual(['e1', 'e2 partial done', 'e3', 'e4', 'e5']);
  });

  it('skips and counts a 1 MB single line, passes invalid UTF-8 on as replacement characters', async () => {
    const t = setup({ maxLineBytes: 64 * 1024 });
    writeFileSync(t.file, Buffer.concat([Buffer.from('ok\n'), Buffer.alloc(1024 * 1024, 0x41), Buffer.from('\nbad \xff\xfe end\n', 'latin1'), Buffer.from('after\n')]));
    const f = t.make();
    await f.poll();
    expect(t.oversized).toEqual([1024 * 1024]);
    expect(t.lines).toEqual(['ok', 'bad \ufffd\ufffd end', 'after']);
  });

  it('follows a log file replaced by a symlink only inside the host root', async () => {
    const t = setup();
    writeFileSync(`${t.root}/var/log/real.log`, 'via link\n');
    symlinkSync('/var/log/real.log', t.file); // absolute target: resolved inside the host root
    const f = t.make();
    await f.poll();
    expect(t.lines).toEqual(['via link']);
    // A missing file is waited for, not an error.
    unlinkSync(t.file);
    unlinkSync(`${t.root}/var/log/real.log`);
    const g = t.make();
    await g.poll();
  });
});

describe('position files in the state directory', () => {
  it('a symlink planted at the old temporary names is never followed; a garbage position is logged', async () => {
    const root = tempDir('hb-follow-');
    const state = tempDir('hb-follow-state-');
    mkdirSync(`${root}/var/log`, { recursive: true });
    writeFileSync(`${root}/var/log/x.log`, 'a\nb\n');
    const stateFile = positionFileFor(state, '/var/log/x.log');
    mkdirSync(`${state}/positions`, { recursive: true });
    const victim = `${tempDir()}/victim`;
    writeFileSync(victim, 'precious');
    for (const pid of [process.pid, 1, 2]) symlinkSync(victim, `${stateFile}.${pid}.tmp`);
    writeFileSync(stateFile, '{"file":"/var/log/x.log","dev":1,"ino":"not a number"}');
    const log = memoryLogger();
    const lines: string[] = [];
    const f = new FileFollower({ fs: new HostFs({ rootfs: root }), file: '/var/log/x.log', stateFile, log, onLine: (l) => lines.push(l) });
    await f.poll();
    await f.stop();
    expect(lines).toEqual(['a', 'b']);
    expect(log.lines.filter((l) => l.includes('log position file is corrupt')).length).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ file: '/var/log/x.log', offset: 4 });
  });
});
