import type { CollectorSpec } from '../types.js';

export const containersCollectors: CollectorSpec[] = [];
