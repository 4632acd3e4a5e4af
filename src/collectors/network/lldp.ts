import { defineCollector, MINUTE, SECOND } from '../types.js';
import { parseLldpctlJson } from './lldp.parse.js';

export const lldp = defineCollector({
  name: 'lldp',
  area: 'network',
  description: 'LLDP/CDP neighbours from `lldpctl -f json` (lldpd) when it is installed.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 15 * SECOND,
  tables: [{ name: 'lldp_neighbors', key: ['interface', 'chassis_id', 'port_id'], description: 'One row per neighbour seen on an interface.', drift: true }],
  async collect(ctx) {
    if ((await ctx.commands.which('lldpctl')) === null) return [{ name: 'lldp_neighbors', rows: [] }];
    const r = await ctx.commands.run('lldpctl', ['-f', 'json'], { timeoutMs: 10 * SECOND, signal: ctx.signal });
    if (r.code !== 0) throw new Error(`lldpctl -f json: exit ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
    return [{ name: 'lldp_neighbors', rows: parseLldpctlJson(r.stdout).map((n) => ({ ...n })) }];
  },
});
