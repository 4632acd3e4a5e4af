import type { CollectorSpec } from '../types.js';

export const browsersCollectors: CollectorSpec[] = [];
