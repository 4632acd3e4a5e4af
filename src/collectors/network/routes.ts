import { defineCollector, MINUTE, SECOND } from '../types.js';
import { badLineReporter, readNetFile } from './common.js';
import { parseIPv6Routes, parseRoutes, type Route } from './proc-net.parse.js';

/** Flags of ipv6_route that mark the kernel's local table and cached routes, which `ip -6 route` leaves out. */
const RTF_LOCAL = 0x80000000;
const RTF_CACHE = 0x01000000;

/** Routes of the main table: ipv6_route also lists the local table (own addresses, multicast). */
function isMainTable(r: Route): boolean {
  if (r.family === 'ipv4') return true;
  return !(r.flags & RTF_LOCAL) && !(r.flags & RTF_CACHE) && !r.destination.startsWith('ff') && !(r.interface === 'lo' && r.prefix === 128);
}

export const routes = defineCollector({
  name: 'routes',
  area: 'network',
  description: 'IPv4 and IPv6 routes of the main table from /proc/net/route and /proc/net/ipv6_route; default routes.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'routes', key: ['family', 'destination', 'prefix', 'gateway', 'interface', 'metric'], description: 'One row per route.', drift: true },
    { name: 'route_summary', key: ['family'], description: 'Routes and default routes per address family.' },
  ],
  async collect(ctx) {
    const rows = [];
    const summary = [];
    for (const [family, name, parse] of [
      ['ipv4', 'route', parseRoutes],
      ['ipv6', 'ipv6_route', parseIPv6Routes],
    ] as const) {
      const file = await readNetFile(ctx.fs, name);
      if (!file) continue;
      const list = parse(file.text, badLineReporter(ctx.parseError, file.path)).filter(isMainTable);
      const seen = new Set<string>();
      let defaults = 0;
      for (const r of list) {
        const key = `${r.destination}/${r.prefix} ${r.gateway} ${r.interface} ${r.metric}`;
        if (seen.has(key)) continue; // multipath duplicates of one route
        seen.add(key);
        const isDefault = r.prefix === 0;
        if (isDefault) defaults++;
        rows.push({
          family,
          destination: r.destination,
          prefix: r.prefix,
          gateway: r.gateway === '0.0.0.0' || r.gateway === '::' ? '' : r.gateway,
          interface: r.interface,
          metric: r.metric,
          default: isDefault,
        });
      }
      summary.push({ family, routes: seen.size, default_routes: defaults });
    }
    return [
      { name: 'routes', rows },
      { name: 'route_summary', rows: summary },
    ];
  },
});
