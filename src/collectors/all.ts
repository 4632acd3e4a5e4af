import type { CollectorSpec } from './types.js';
import { systemCollectors } from './system/index.js';
import { softwareCollectors } from './software/index.js';
import { supplyChainCollectors } from './supply_chain/index.js';
import { configurationCollectors } from './configuration/index.js';
import { usersCollectors } from './users/index.js';
import { networkCollectors } from './network/index.js';
import { servicesCollectors } from './services/index.js';
import { processesCollectors } from './processes/index.js';
import { filesCollectors } from './files/index.js';
import { securityCollectors } from './security/index.js';
import { containersCollectors } from './containers/index.js';
import { devicesCollectors } from './devices/index.js';
import { browsersCollectors } from './browsers/index.js';
import { cloudCollectors } from './cloud/index.js';

/** Every collector, registered once here from each area's index (one collector per file). */
export function allCollectors(): CollectorSpec[] {
  const list: CollectorSpec[] = [
    ...systemCollectors, ...softwareCollectors, ...supplyChainCollectors, ...configurationCollectors, ...usersCollectors, ...networkCollectors, ...servicesCollectors, ...processesCollectors, ...filesCollectors, ...securityCollectors, ...containersCollectors, ...devicesCollectors, ...browsersCollectors, ...cloudCollectors,
  ];
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.name)) throw new Error(`collector ${c.name} is registered twice`);
    seen.add(c.name);
  }
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
