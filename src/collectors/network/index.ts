import type { CollectorSpec } from '../types.js';
import { arp } from './arp.js';
import { dns } from './dns.js';
import { firewall } from './firewall.js';
import { interfaces } from './interfaces.js';
import { listeningPorts } from './listening-ports.js';
import { lldp } from './lldp.js';
import { routes } from './routes.js';
import { tlsCerts } from './tls-certs.js';

export const networkCollectors: CollectorSpec[] = [arp, dns, firewall, interfaces, listeningPorts, lldp, routes, tlsCerts];
