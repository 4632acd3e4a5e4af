import type { CollectorSpec } from '../types.js';

export const filesCollectors: CollectorSpec[] = [];
