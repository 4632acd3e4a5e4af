import type { CollectorSpec } from '../types.js';

export const securityCollectors: CollectorSpec[] = [];
