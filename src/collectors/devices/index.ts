import type { CollectorSpec } from '../types.js';

export const devicesCollectors: CollectorSpec[] = [];
