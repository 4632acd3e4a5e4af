import type { CollectorSpec } from '../types.js';
import { apparmor } from './apparmor.js';
import { selinux } from './selinux.js';
import { yara } from './yara.js';

export const securityCollectors: CollectorSpec[] = [apparmor, selinux, yara];
