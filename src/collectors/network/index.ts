import type { CollectorSpec } from '../types.js';

export const networkCollectors: CollectorSpec[] = [];
