import type { CollectorSpec } from '../types.js';
import { cpu } from './cpu.js';
import { identity } from './identity.js';
import { kernel } from './kernel.js';
import { kernelModules } from './kernel-modules.js';
import { memory } from './memory.js';
import { osRelease } from './os-release.js';
import { sysvShm } from './sysv-shm.js';
import { uptime } from './uptime.js';

export const systemCollectors: CollectorSpec[] = [osRelease, kernel, kernelModules, identity, uptime, cpu, memory, sysvShm];
