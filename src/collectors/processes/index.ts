import type { CollectorSpec } from '../types.js';

export const processesCollectors: CollectorSpec[] = [];
