import { defineCollector, MINUTE, SECOND } from '../types.js';
import { badLineReporter, readNetFile } from './common.js';
import { parseArp } from './proc-net.parse.js';

export const arp = defineCollector({
  name: 'arp',
  area: 'network',
  description: 'ARP cache from /proc/net/arp; one MAC answering for several IPs (possible ARP poisoning) is flagged.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'arp_entries', key: ['interface', 'address'], description: 'One row per neighbour.', drift: { on: 'none', why: 'Neighbours come and go as the cache expires: their changes are not news.' } },
    { name: 'arp_summary', key: [], description: 'Entries and MACs shared by several IPs.' },
  ],
  async collect(ctx) {
    const file = await readNetFile(ctx.fs, 'arp');
    if (!file) return [{ name: 'arp_entries', rows: [] }, { name: 'arp_summary', rows: [] }];
    const entries = parseArp(file.text, badLineReporter(ctx.parseError, file.path));
    // Incomplete entries carry 00:00:00:00:00:00; they say nothing about who answers.
    const ipsByMac = new Map<string, Set<string>>();
    for (const e of entries) {
      if (!e.complete || /^(00:)*00$/.test(e.mac)) continue;
      const k = `${e.interface} ${e.mac}`;
      if (!ipsByMac.has(k)) ipsByMac.set(k, new Set());
      ipsByMac.get(k)!.add(e.address);
    }
    const duplicated = [...ipsByMac.values()].filter((s) => s.size > 1).length;
    const rows = entries.map((e) => ({
      interface: e.interface,
      address: e.address,
      mac: e.mac,
      complete: e.complete,
      duplicate_mac: (ipsByMac.get(`${e.interface} ${e.mac}`)?.size ?? 0) > 1,
    }));
    return [
      { name: 'arp_entries', rows },
      { name: 'arp_summary', rows: [{ entries: rows.length, duplicate_macs: duplicated }] },
    ];
  },
});
