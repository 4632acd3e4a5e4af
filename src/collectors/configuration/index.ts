import type { CollectorSpec } from '../types.js';
import { etcDefaults } from './etc-defaults.js';
import { etcHosts } from './etc-hosts.js';
import { etcProtocols } from './etc-protocols.js';
import { etcServices } from './etc-services.js';
import { fstabOptions } from './fstab-options.js';
import { ldSo } from './ld-so.js';
import { loginDefs } from './login-defs.js';
import { resolvConf } from './resolv-conf.js';
import { securityConfig } from './security-config.js';
import { serverConfigs } from './server-configs.js';
import { shells } from './shells.js';

export const configurationCollectors: CollectorSpec[] = [
  etcHosts, etcServices, etcProtocols, ldSo, etcDefaults, securityConfig, loginDefs, fstabOptions, shells, resolvConf, serverConfigs,
];
