import { describe, expect, it } from 'vitest';
import { parseProcStat } from '../../../src/host/procfs/stat.parse.js';
import { uptime } from '../../../src/collectors/system/uptime.js';
import { parseLoadavg, parseUptime, zoneOfLocaltimeLink } from '../../../src/collectors/system/uptime.parse.js';
import { collectOnce, fixturePath, FIXTURE_TIME } from '../../helpers.js';
import { hostRoot, rootWithDirAt } from './roots.js';

// Captured on the development machine.
const REAL_STAT = `cpu  14488 0 3358 149938 236 0 51 7 0 0
cpu0 3736 0 1290 78995 22 0 12 2 0 0
cpu1 10751 0 2067 70942 214 0 39 4 0 0
intr 846192 0 0 0 0 0 0 0 0 0 0 0
ctxt 1011819
btime 1795770955
processes 10215
procs_running 3
procs_blocked 0
softirq 291177 0 41082 4 15445 60050 0 3 74808 1 99784
`;

describe('uptime parsers', () => {
  it('reads real /proc/uptime and /proc/loadavg', () => {
    expect(parseUptime('841.87 1495.68\n')).toEqual({ uptime: 841.87, idle: 1495.68 });
    expect(parseLoadavg('0.02 0.24 0.17 1/96 10001\n')).toEqual({ load1: 0.02, load5: 0.24, load15: 0.17, runnable: 1, tasks: 96, lastPid: 10001 });
  });
  it('tolerates truncation after the essentials and rejects garbage', () => {
    expect(parseUptime('841.87')).toEqual({ uptime: 841.87, idle: null });
    expect(parseUptime('84x')).toBeNull();
    expect(parseUptime('')).toBeNull();
    expect(parseLoadavg('0.02 0.24 0.17 1/')).toMatchObject({ load15: 0.17, runnable: null, tasks: null, lastPid: null });
    expect(parseLoadavg('0.02 0.24')).toBeNull();
    expect(parseLoadavg('\u0000\u0001\u0002')).toBeNull();
  });
  it('reads btime and the cpu line of a real /proc/stat', () => {
    const s = parseProcStat(REAL_STAT);
    expect(s.btime).toBe(1795770955);
    expect(s.cpu).toEqual({ user: 14488, nice: 0, system: 3358, idle: 149938, iowait: 236, irq: 0, softirq: 51, steal: 7, guest: 0, guest_nice: 0 });
    expect(s.cpuLines).toBe(2);
    expect(s).toMatchObject({ processes: 10215, procsRunning: 3, procsBlocked: 0, ctxt: 1011819 });
  });
  it('reports bad known lines of /proc/stat and keeps the rest', () => {
    const bad: string[] = [];
    const s = parseProcStat('cpu  1 2\nbtime soon\nprocesses 7\nintr garbage', (line, reason) => bad.push(`${line}:${reason}`));
    expect(s.cpu).toEqual({});
    expect(s.btime).toBeNull();
    expect(s.processes).toBe(7);
    expect(bad).toEqual(['1:cpu line: expected at least 4 counters', '2:btime: expected a number']);
  });
});

describe('time zone', () => {
  it('takes the zone from the /etc/localtime link target', () => {
    expect(zoneOfLocaltimeLink('/usr/share/zoneinfo/Etc/UTC')).toBe('Etc/UTC'); // this machine
    expect(zoneOfLocaltimeLink('../usr/share/zoneinfo/posix/Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneOfLocaltimeLink('/etc/some-copy')).toBeNull();
    expect(zoneOfLocaltimeLink('/usr/share/zoneinfo/../../../etc/shadow')).toBeNull();
  });
});

describe('uptime collector', () => {
  it('reads the fixture host with the fixed clock', async () => {
    const { state, tables } = await collectOnce(uptime, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.uptime).toEqual([
      expect.objectContaining({
        now_seconds: FIXTURE_TIME / 1000,
        time_zone: 'Europe/Berlin',
        time_zone_source: '/etc/localtime',
        boot_time_seconds: 1768391877,
        boot_time_source: '/proc/stat',
        uptime_seconds: 86523.45,
      }),
    ]);
  });
  it('derives the boot time from /proc/uptime without btime', async () => {
    const { tables } = await collectOnce(uptime, hostRoot({ 'proc/uptime': '100.4 50.0\n' }));
    expect(tables.uptime![0]).toMatchObject({ boot_time_seconds: FIXTURE_TIME / 1000 - 100, boot_time_source: '/proc/uptime', load1: null });
  });
  it('falls back to /etc/timezone when /etc/localtime is a copy', async () => {
    const copy = hostRoot({ 'proc/uptime': '1 1\n', 'etc/localtime': 'TZif2...', 'etc/timezone': 'America/New_York\n' });
    expect((await collectOnce(uptime, copy)).tables.uptime![0]).toMatchObject({ time_zone: 'America/New_York', time_zone_source: '/etc/timezone' });
    const bare = hostRoot({ 'proc/uptime': '1 1\n', 'etc/localtime': 'TZif2...' });
    expect((await collectOnce(uptime, bare)).tables.uptime![0]).toMatchObject({ time_zone: '', time_zone_source: '' });
  });

  it('succeeds with no rows on an empty root', async () => {
    const { state, tables } = await collectOnce(uptime, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.uptime).toEqual([]);
  });
  it('fails on garbage /proc/uptime or /proc/loadavg, a directory or an oversized /proc/stat', async () => {
    expect((await collectOnce(uptime, hostRoot({ 'proc/uptime': 'garbage\n' }))).state.lastError).toMatch(/\/proc\/uptime: expected/);
    expect((await collectOnce(uptime, hostRoot({ 'proc/loadavg': '1 2\n' }))).state.lastError).toMatch(/\/proc\/loadavg: expected/);
    expect((await collectOnce(uptime, rootWithDirAt('proc/stat'))).state.lastError).toMatch(/\/proc\/stat: not a regular file/);
    const big = hostRoot({ 'proc/stat': 'intr 0\n'.repeat(2000) });
    expect((await collectOnce(uptime, big, { maxFileBytes: 4096 })).state.lastError).toMatch(/\/proc\/stat: file too large/);
  });
});
