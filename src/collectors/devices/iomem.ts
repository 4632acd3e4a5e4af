import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseIomem } from './iomem.parse.js';

const IOMEM = '/proc/iomem';

export const iomem = defineCollector({
  name: 'iomem',
  area: 'devices',
  description: 'Top-level physical memory map regions from /proc/iomem (addresses are only real when read as root).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'iomem_regions', key: ['name', 'ordinal'], description: 'One row per top-level region of the physical address map.' }],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(IOMEM);
    if (text === null) return [{ name: 'iomem_regions', rows: [] }];
    const regions = parseIomem(text, (line, reason) => ctx.parseError(IOMEM, `line ${line}: ${reason}`));
    return [{ name: 'iomem_regions', rows: regions.map((r) => ({ ...r })) }];
  },
});
