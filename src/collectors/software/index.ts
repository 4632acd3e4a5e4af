import type { CollectorSpec } from '../types.js';
import { deb } from './deb.js';
import { rpm } from './rpm.js';

export const softwareCollectors: CollectorSpec[] = [deb, rpm];
