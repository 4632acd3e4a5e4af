import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memory } from '../../../src/collectors/system/memory.js';
import { parseMeminfo } from '../../../src/collectors/system/memory.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithDirAt } from './roots.js';

// host-a's /proc/meminfo is a copy of the development machine's.
const REAL_MEMINFO = readFileSync(fixturePath('host-a/proc/meminfo'), 'utf8');

describe('parseMeminfo', () => {
  it('converts kB to bytes and keeps counts as counts', () => {
    const fields = parseMeminfo(REAL_MEMINFO);
    const byName = Object.fromEntries(fields.map((f) => [f.field, f]));
    expect(byName.MemTotal).toEqual({ field: 'MemTotal', bytes: 24684092 * 1024, count: null });
    expect(byName['Active(anon)']!.bytes).toBe(9644 * 1024);
    expect(byName.HugePages_Total).toEqual({ field: 'HugePages_Total', bytes: null, count: 0 });
    expect(fields.length).toBeGreaterThan(50);
  });
  it('skips truncated and garbage lines, reporting each', () => {
    const bad: number[] = [];
    const fields = parseMeminfo('MemTotal:       24684092 kB\nMemFree:    \n\u0000\u00ffgarbage\nCached: 12 MB\nMemTotal: 1 kB\n', (line) => bad.push(line));
    expect(fields).toEqual([{ field: 'MemTotal', bytes: 24684092 * 1024, count: null }]);
    expect(bad).toEqual([2, 3, 4]);
  });
});

describe('memory collector', () => {
  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(memory, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.memory!.find((r) => r.field === 'MemTotal')).toEqual({ field: 'MemTotal', bytes: 25276510208, count: null });
  });
  it('succeeds with no rows on an empty root', async () => {
    const { state, tables } = await collectOnce(memory, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.memory).toEqual([]);
  });
  it('fails on garbage, a directory or an oversized file', async () => {
    expect((await collectOnce(memory, hostRoot({ 'proc/meminfo': 'garbage\n' }))).state.lastError).toMatch(/\/proc\/meminfo: no "Field: value"/);
    expect((await collectOnce(memory, rootWithDirAt('proc/meminfo'))).state.lastError).toMatch(/\/proc\/meminfo: not a regular file/);
    const big = hostRoot({ 'proc/meminfo': REAL_MEMINFO.repeat(10) });
    expect((await collectOnce(memory, big, { maxFileBytes: 4096 })).state.lastError).toMatch(/\/proc\/meminfo: file too large/);
  });
});
