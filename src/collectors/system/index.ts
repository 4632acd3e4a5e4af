import type { CollectorSpec } from '../types.js';
import { kernel } from './kernel.js';
import { osRelease } from './os-release.js';

export const systemCollectors: CollectorSpec[] = [osRelease, kernel];
