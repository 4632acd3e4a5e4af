import type { CollectorSpec } from '../types.js';
import { docker } from './docker.js';

export const containersCollectors: CollectorSpec[] = [docker];
