import type { CollectorSpec } from '../types.js';

export const configurationCollectors: CollectorSpec[] = [];
