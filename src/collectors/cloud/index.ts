import type { CollectorSpec } from '../types.js';

export const cloudCollectors: CollectorSpec[] = [];
