import type { CollectorSpec } from './types.js';
import { systemCollectors } from './system/index.js';

/** Every collector, registered once here from each area's index (one collector per file). */
export function allCollectors(): CollectorSpec[] {
  const list: CollectorSpec[] = [...systemCollectors];
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.name)) throw new Error(`collector ${c.name} is registered twice`);
    seen.add(c.name);
  }
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
