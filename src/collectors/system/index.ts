import type { CollectorSpec } from '../types.js';
import { osRelease } from './os-release.js';

export const systemCollectors: CollectorSpec[] = [osRelease];
