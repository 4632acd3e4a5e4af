import type { CollectorSpec } from '../types.js';

export const usersCollectors: CollectorSpec[] = [];
