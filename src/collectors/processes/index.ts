import type { CollectorSpec } from '../types.js';
import { processes } from './processes.js';

export const processesCollectors: CollectorSpec[] = [processes];
