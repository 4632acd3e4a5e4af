import type { CollectorSpec } from '../types.js';
import { cron } from './cron.js';

export const servicesCollectors: CollectorSpec[] = [cron];
