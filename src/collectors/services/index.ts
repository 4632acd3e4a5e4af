import type { CollectorSpec } from '../types.js';
import { cron } from './cron.js';
import { initScripts } from './init-scripts.js';
import { systemdUnits } from './systemd-units.js';

export const servicesCollectors: CollectorSpec[] = [cron, systemdUnits, initScripts];
