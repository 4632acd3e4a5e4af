import type { CollectorSpec } from '../types.js';
import { groups } from './groups.js';
import { logins } from './logins.js';
import { shellHistory } from './shell-history.js';
import { shadow } from './shadow.js';
import { sshAuthorizedKeys } from './ssh-authorized-keys.js';
import { sshConfig } from './ssh-config.js';
import { sshKnownHosts } from './ssh-known-hosts.js';
import { sshPrivateKeys } from './ssh-private-keys.js';
import { sshdConfig } from './sshd-config.js';
import { sudoers } from './sudoers.js';
import { users } from './users.js';

export const usersCollectors: CollectorSpec[] = [users, groups, shadow, sudoers, sshdConfig, sshConfig, sshAuthorizedKeys, sshKnownHosts, sshPrivateKeys, logins, shellHistory];
