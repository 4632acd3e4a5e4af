import type { CollectorSpec } from '../types.js';
import { deb } from './deb.js';

export const softwareCollectors: CollectorSpec[] = [deb];
