import { describe, expect, it } from 'vitest';
import { autostart } from '../../src/collectors/system/autostart.js';
import { diskEncryption } from '../../src/collectors/system/disk-encryption.js';
import { limits } from '../../src/collectors/system/limits.js';
import { mounts } from '../../src/collectors/system/mounts.js';
import { sysctl } from '../../src/collectors/system/sysctl.js';
import { systemClock } from '../../src/util/clock.js';
import { collectOnce } from '../helpers.js';

// The machine the tests run on is a real host: every collector must succeed against "/".
describe('system collectors (mounts, sysctl, limits, disk_encryption, autostart) on this host', () => {
  const run = (spec: Parameters<typeof collectOnce>[0], options = {}) => collectOnce(spec, '/', { clock: systemClock, options });

  it('mounts: the root file system is mounted', async () => {
    const r = await run(mounts);
    expect(r.state.lastError).toBeNull();
    expect(r.tables.mounts!.some((m) => m.mountpoint === '/')).toBe(true);
    expect(r.samples).toMatch(/^hostbaseline_mount_info\{mountpoint="\/",/m);
  });

  it('sysctl: security keys read, and every key with all', async () => {
    const r = await run(sysctl);
    expect(r.state.lastError).toBeNull();
    expect(r.tables.sysctl!.find((k) => k.key === 'kernel.randomize_va_space')?.numeric).toEqual(expect.any(Number));
    const all = await run(sysctl, { all: true });
    expect(all.state.lastError).toBeNull();
    expect(all.tables.sysctl!.length).toBeGreaterThan(r.tables.sysctl!.length);
  });

  it('limits: PID 1 has 16 resources', async () => {
    const r = await run(limits);
    expect(r.state.lastError).toBeNull();
    expect(r.tables.init_rlimits).toHaveLength(32);
  });

  it('disk_encryption and autostart succeed', async () => {
    const d = await run(diskEncryption);
    expect(d.state.lastError).toBeNull();
    expect(d.tables.root_encryption).toHaveLength(1);
    const a = await run(autostart);
    expect(a.state.lastError).toBeNull();
  });
});
