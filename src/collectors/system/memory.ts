import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseMeminfo } from './memory.parse.js';

export const memory = defineCollector({
  name: 'memory',
  area: 'system',
  description: 'Memory from /proc/meminfo, each field in bytes (huge page counts as numbers).',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'memory', key: ['field'], description: 'One row per /proc/meminfo field.', volatile: ['bytes', 'count'] }],
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists('/proc/meminfo');
    if (text === null) return [{ name: 'memory', rows: [] }];
    const fields = parseMeminfo(text, (line, reason) => ctx.parseError('/proc/meminfo', `line ${line}: ${reason}`));
    if (fields.length === 0 && text.trim() !== '') throw new Error('/proc/meminfo: no "Field: value" line');
    return [{ name: 'memory', rows: fields.map((f) => ({ field: f.field, bytes: f.bytes, count: f.count })) }];
  },
});
