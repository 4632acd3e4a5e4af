import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpu } from '../../src/collectors/system/cpu.js';
import { identity } from '../../src/collectors/system/identity.js';
import { kernelModules } from '../../src/collectors/system/kernel-modules.js';
import { kernel } from '../../src/collectors/system/kernel.js';
import { memory } from '../../src/collectors/system/memory.js';
import { sysvShm } from '../../src/collectors/system/sysv-shm.js';
import { uptime } from '../../src/collectors/system/uptime.js';
import { systemClock } from '../../src/util/clock.js';
import { collectOnce } from '../helpers.js';

// The system collectors against this machine's own `/`, checked against what Node reads through libc.
const live = { clock: systemClock };

describe('system collectors on this machine', () => {
  it('kernel: the running release is uname -r', async () => {
    const { state, tables } = await collectOnce(kernel, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.kernel![0]!.release).toBe(os.release());
    expect(tables.kernel![0]!.version).toBe(os.version());
  });

  it('kernel_modules: succeeds, and counts what /proc/modules lists', async () => {
    const { state, tables } = await collectOnce(kernelModules, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    const summary = tables.kernel_modules_summary![0];
    if (summary?.loaded !== null && summary?.loaded !== undefined) expect(summary.loaded).toBe(tables.kernel_modules!.length);
    expect(tables.kernel_taint!.length).toBeGreaterThanOrEqual(20);
  });

  it('identity: hostname and CPU count', async () => {
    const { state, tables } = await collectOnce(identity, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.host_identity![0]).toMatchObject({ hostname: os.hostname(), cpus: os.availableParallelism() });
  });

  it('uptime: boot time and load agree with the kernel', async () => {
    const { state, tables } = await collectOnce(uptime, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    const row = tables.uptime![0]!;
    expect(Math.abs((row.boot_time_seconds as number) - (Date.now() / 1000 - os.uptime()))).toBeLessThan(5);
    expect(Math.abs((row.load15 as number) - os.loadavg()[2]!)).toBeLessThan(0.5);
  });

  it('cpu: one flag row per watched flag and the model Node sees', async () => {
    const { state, tables } = await collectOnce(cpu, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    const logical = tables.cpu_model!.reduce((n, r) => n + (r.logical_cpus as number), 0);
    expect(logical).toBe(os.cpus().length);
    expect(tables.cpu_model!.map((r) => r.model_name)).toContain(os.cpus()[0]!.model);
    expect(tables.cpu_time!.find((r) => r.mode === 'user')!.seconds).toBeGreaterThan(0);
  });

  it('memory: MemTotal is os.totalmem()', async () => {
    const { state, tables } = await collectOnce(memory, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.memory!.find((r) => r.field === 'MemTotal')!.bytes).toBe(os.totalmem());
  });

  it('sysv_shm: succeeds', async () => {
    const { state, tables } = await collectOnce(sysvShm, '/', live);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.sysv_shm_summary![0]!.segments).toBe(tables.sysv_shm_segments!.length);
  });
});
