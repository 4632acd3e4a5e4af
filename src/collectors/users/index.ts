import type { CollectorSpec } from '../types.js';
import { groups } from './groups.js';
import { shadow } from './shadow.js';
import { sudoers } from './sudoers.js';
import { users } from './users.js';

export const usersCollectors: CollectorSpec[] = [users, groups, shadow, sudoers];
