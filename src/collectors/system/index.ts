import type { CollectorSpec } from '../types.js';
import { autostart } from './autostart.js';
import { cpu } from './cpu.js';
import { diskEncryption } from './disk-encryption.js';
import { identity } from './identity.js';
import { kernel } from './kernel.js';
import { kernelModules } from './kernel-modules.js';
import { limits } from './limits.js';
import { memory } from './memory.js';
import { mounts } from './mounts.js';
import { osRelease } from './os-release.js';
import { sysctl } from './sysctl.js';
import { sysvShm } from './sysv-shm.js';
import { uptime } from './uptime.js';

export const systemCollectors: CollectorSpec[] = [
  osRelease,
  kernel,
  kernelModules,
  identity,
  uptime,
  cpu,
  memory,
  sysvShm,
  mounts,
  sysctl,
  limits,
  diskEncryption,
  autostart,
];
