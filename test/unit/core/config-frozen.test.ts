import { describe, expect, it } from 'vitest';
import { allCollectors } from '../../../src/collectors/all.js';
import { flagTable, lookupIn, parseArgs, resolveConfig } from '../../../src/config/config.js';

describe('the resolved configuration', () => {
  it('is frozen, collector configs and their options included', () => {
    const specs = allCollectors();
    const config = resolveConfig(parseArgs(['--path.rootfs=/x', '--collector.processes.per-process'], lookupIn(flagTable(specs))), specs);
    expect(Object.isFrozen(config)).toBe(true);
    const processes = config.collectors.get('processes')!;
    expect(Object.isFrozen(processes)).toBe(true);
    expect(Object.isFrozen(processes.options)).toBe(true);
    expect(() => {
      (config as { rootfs: string }).rootfs = '/elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (processes.options as Record<string, unknown>).per_process = false;
    }).toThrow(TypeError);
    expect(config.rootfs).toBe('/x');
  });
});
