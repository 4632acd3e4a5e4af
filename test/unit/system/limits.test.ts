import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { limits } from '../../../src/collectors/system/limits.js';
import { parseLimitsConf, parseProcLimits } from '../../../src/collectors/system/limits.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

/** /proc/1/limits as captured on the development VM. */
const CAPTURED_PROC_1_LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             96365                96365                processes 
Max open files            32768                32768                files     
Max locked memory         unlimited            unlimited            bytes     
Max address space         unlimited            unlimited            bytes     
Max file locks            unlimited            unlimited            locks     
Max pending signals       96365                96365                signals   
Max msgqueue size         819200               819200               bytes     
Max nice priority         0                    0                    
Max realtime priority     0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`;

describe('parseProcLimits', () => {
  it('reads the captured table of this machine', () => {
    const l = parseProcLimits(CAPTURED_PROC_1_LIMITS);
    expect(l).toHaveLength(16);
    expect(l.find((x) => x.resource === 'stack')).toEqual({ resource: 'stack', soft: 8388608, hard: Infinity, unit: 'bytes' });
    expect(l.find((x) => x.resource === 'nice')).toEqual({ resource: 'nice', soft: 0, hard: 0, unit: '' });
    expect(l.map((x) => x.resource)).toContain('rttime');
  });

  it('rejects text without the header and reports broken lines', () => {
    expect(() => parseProcLimits('garbage\n')).toThrow(/header/);
    const bad: number[] = [];
    const l = parseProcLimits(CAPTURED_PROC_1_LIMITS.split('\n').slice(0, 3).join('\n') + '\nMax open files 1024\n', (n) => bad.push(n));
    expect(l).toHaveLength(2);
    expect(bad).toEqual([4]);
  });
});

describe('parseLimitsConf', () => {
  it('parses domains, types, items, unlimited and rejects bad lines', () => {
    const bad: string[] = [];
    const l = parseLimitsConf(
      '* soft core 0\n@adm - nofile infinity # trailing comment\n1000: hard nproc -1\nroot hard\nuser both core 1\nuser soft nofiles 1\n',
      (n, r) => bad.push(`${n} ${r}`),
    );
    expect(l.map((x) => [x.domain, x.type, x.item, x.numeric])).toEqual([
      ['*', 'soft', 'core', 0],
      ['@adm', '-', 'nofile', Infinity],
      ['1000:', 'hard', 'nproc', Infinity],
    ]);
    expect(bad).toEqual(['4 expected 4 fields, got 2', '5 type must be soft, hard or -, got "both"', '6 unknown item "nofiles"']);
  });
});

describe('limits collector', () => {
  it('reports PID 1 limits and the effective configured limits of host-a', async () => {
    const r = await collectOnce(limits, fixturePath('host-a'));
    expect(r.state.lastError).toBeNull();
    expect(r.state.parseErrorsTotal).toBe(1); // "nofiles" in limits.d
    expect(r.tables.init_rlimits).toHaveLength(32);
    expect(r.samples).toContain('hostbaseline_init_rlimit{resource="nofile",kind="soft",unit="files"} 1024');
    expect(r.samples).toContain('hostbaseline_init_rlimit{resource="core",kind="hard",unit="bytes"} +Inf');
    const conf = r.tables.configured_limits!;
    // limits.d is read after limits.conf: its "* soft core unlimited" wins.
    expect(conf.find((c) => c.domain === '*' && c.item === 'core')).toMatchObject({ numeric: Infinity, file: '/etc/security/limits.d/90-nofile.conf' });
    // "-" sets soft and hard.
    expect(conf.filter((c) => c.domain === '@student').map((c) => c.type).sort()).toEqual(['hard', 'soft']);
    expect(r.tables.limits_summary).toEqual([{ scope: 'pam_limits', configured: 9 }]);
    expect(r.samples).not.toContain('chroot'); // a text value has no number
  });

  it('an empty root succeeds with zero rows', async () => {
    const r = await collectOnce(limits, tempDir());
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((t) => t.length === 0)).toBe(true);
  });

  it('fails clearly on garbage, oversized files, a directory and a symlink loop', async () => {
    expect((await collectOnce(limits, host({ 'proc/1/limits': '\x7fELF\x02\x01' }))).state.lastError).toMatch(/\/proc\/1\/limits: missing the/);
    const big = await collectOnce(limits, host({ 'etc/security/limits.conf': '* soft core 0\n'.repeat(500) }), { maxFileBytes: 1024 });
    expect(big.state.lastError).toMatch(/limits.conf: file too large/);
    const dir = tempDir();
    mkdirSync(path.join(dir, 'etc/security/limits.conf'), { recursive: true });
    expect((await collectOnce(limits, dir)).state.lastError).toMatch(/limits.conf: not a regular file/);
    const loop = host({ 'etc/security/limits.d/.keep': '' });
    symlinkSync('b.conf', path.join(loop, 'etc/security/limits.d/a.conf'));
    symlinkSync('a.conf', path.join(loop, 'etc/security/limits.d/b.conf'));
    expect((await collectOnce(limits, loop)).state.lastError).toMatch(/a.conf: too many levels of symbolic links/);
  });

  it('a truncated table keeps its complete lines', async () => {
    const r = await collectOnce(limits, host({ 'proc/1/limits': CAPTURED_PROC_1_LIMITS.slice(0, 300) }));
    expect(r.state.success).toBe(true);
    expect(r.tables.init_rlimits!.length).toBeGreaterThan(0);
  });
});
