import type { CollectorSpec } from '../types.js';

export const softwareCollectors: CollectorSpec[] = [];
