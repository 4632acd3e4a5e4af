import type { CollectorSpec } from '../types.js';

export const servicesCollectors: CollectorSpec[] = [];
