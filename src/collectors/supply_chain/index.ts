import type { CollectorSpec } from '../types.js';

export const supplyChainCollectors: CollectorSpec[] = [];
