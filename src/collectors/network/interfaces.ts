import { HostFsError, type HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { badLineReporter, readNetFile } from './common.js';
import { inIPv4Prefix, parseFibTrieLocal, parseIfInet6, parseRoutes, type InterfaceAddress, type Route } from './proc-net.parse.js';

const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;
/** ARPHRD_* of if_arp.h that hosts commonly have. */
const LINK_TYPES: Record<number, string> = {
  1: 'ether',
  24: 'ieee1394',
  32: 'infiniband',
  512: 'ppp',
  768: 'ipip',
  769: 'tunnel6',
  772: 'loopback',
  776: 'sit',
  778: 'gre',
  801: 'ieee80211',
  823: 'ip6gre',
  65534: 'none',
};

/**
 * An optional sysfs attribute: missing, or refused by the driver (reading
 * `speed` or `carrier` of a down or virtual link gives EINVAL), reads as null.
 */
async function attribute(fs: HostFs, file: string): Promise<string | null> {
  try {
    return (await fs.readTextIfExists(file, { maxBytes: 4096 }))?.trim() ?? null;
  } catch (err) {
    if (err instanceof HostFsError && err.code === 'EIO') return null;
    throw err;
  }
}

function intOrNull(v: string | null): number | null {
  return v !== null && /^-?\d+$/.test(v) ? Number(v) : null;
}

/**
 * IPv4 addresses per interface without netlink: the local addresses of the FIB
 * (/proc/net/fib_trie "/32 host LOCAL" leaves) mapped to the interface of the most
 * specific directly connected route that contains them (/proc/net/route);
 * 127.0.0.0/8 is the loopback's.
 */
export function ipv4Addresses(local: string[], routes: Route[], loopback: string): InterfaceAddress[] {
  const connected = routes.filter((r) => r.gateway === '0.0.0.0' && r.prefix > 0).sort((a, b) => b.prefix - a.prefix);
  return local.map((address) => {
    if (address.startsWith('127.')) return { interface: loopback, family: 'ipv4', address, prefix: 8, scope: 'host' };
    const r = connected.find((c) => inIPv4Prefix(address, c.destination, c.prefix));
    return { interface: r?.interface ?? '', family: 'ipv4', address, prefix: r?.prefix ?? 32, scope: 'global' };
  });
}

export const interfaces = defineCollector({
  name: 'interfaces',
  area: 'network',
  description: 'Network interfaces from /sys/class/net (state, mtu, mac, promiscuous) and their IPv4/IPv6 addresses.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'interfaces', key: ['interface'], description: 'One row per interface.', drift: true, volatile: ['carrier', 'speed_mbps'] },
    { name: 'interface_addresses', key: ['interface', 'family', 'address', 'prefix'], description: 'IPv4 and IPv6 addresses.', drift: true },
    { name: 'interface_summary', key: [], description: 'Interfaces, up and promiscuous.' },
  ],
  async collect(ctx) {
    const names = (await ctx.fs.readdirIfExists('/sys/class/net')) ?? [];
    const rows: FactRow[] = [];
    let loopback = 'lo';
    for (const { name } of names) {
      const dir = `/sys/class/net/${name}`;
      const st = await ctx.fs.statIfExists(dir);
      if (!st?.isDirectory()) continue; // bonding_masters and other plain files
      const flagsText = await attribute(ctx.fs, `${dir}/flags`);
      const flags = flagsText !== null && /^0x[0-9a-f]+$/i.test(flagsText) ? parseInt(flagsText, 16) : null;
      const type = intOrNull(await attribute(ctx.fs, `${dir}/type`));
      if (type === 772) loopback = name;
      const carrier = intOrNull(await attribute(ctx.fs, `${dir}/carrier`));
      const speed = intOrNull(await attribute(ctx.fs, `${dir}/speed`));
      rows.push({
        interface: name,
        ifindex: intOrNull(await attribute(ctx.fs, `${dir}/ifindex`)),
        type: type === null ? '' : LINK_TYPES[type] ?? String(type),
        mac: (await attribute(ctx.fs, `${dir}/address`)) ?? '',
        mtu: intOrNull(await attribute(ctx.fs, `${dir}/mtu`)),
        operstate: (await attribute(ctx.fs, `${dir}/operstate`)) ?? '',
        up: flags === null ? null : (flags & IFF_UP) !== 0,
        promiscuous: flags === null ? null : (flags & IFF_PROMISC) !== 0,
        carrier: carrier === null ? null : carrier === 1,
        speed_mbps: speed !== null && speed >= 0 ? speed : null,
      });
    }
    const addresses: InterfaceAddress[] = [];
    const fib = await readNetFile(ctx.fs, 'fib_trie');
    const route = await readNetFile(ctx.fs, 'route');
    if (fib) {
      const routes = route ? parseRoutes(route.text, badLineReporter(ctx.parseError, route.path)) : [];
      addresses.push(...ipv4Addresses(parseFibTrieLocal(fib.text), routes, loopback));
    }
    const inet6 = await readNetFile(ctx.fs, 'if_inet6');
    if (inet6) addresses.push(...parseIfInet6(inet6.text, badLineReporter(ctx.parseError, inet6.path)));
    for (const r of rows) {
      r.ipv4_addresses = addresses.filter((a) => a.interface === r.interface && a.family === 'ipv4').length;
      r.ipv6_addresses = addresses.filter((a) => a.interface === r.interface && a.family === 'ipv6').length;
    }
    return [
      { name: 'interfaces', rows },
      { name: 'interface_addresses', rows: addresses.map((a) => ({ ...a })) },
      {
        name: 'interface_summary',
        rows: names.length || rows.length
          ? [{ interfaces: rows.length, up: rows.filter((r) => r.up).length, promiscuous: rows.filter((r) => r.promiscuous).length }]
          : [],
      },
    ];
  },
});
