// The context a collector gets from the scheduler, on this machine's own root, for benchmarks
// that call a collector directly (and keep its memo between passes).
import { DEFAULT_LIMITS } from '../../dist/collectors/types.js';
import { createCommandRunner } from '../../dist/host/commands.js';
import { HostFs } from '../../dist/host/hostfs.js';
import { silentLogger } from '../../dist/util/logger.js';

export function liveContext(spec, memo, options = {}) {
  return {
    fs: new HostFs({ rootfs: '/' }),
    clock: { now: () => Date.now() },
    log: silentLogger,
    options: { ...Object.fromEntries((spec.options ?? []).map((o) => [o.name, o.default])), ...options },
    signal: new AbortController().signal,
    commands: createCommandRunner(),
    memo,
    parseError() {},
    limits: DEFAULT_LIMITS,
    capped() {},
  };
}
