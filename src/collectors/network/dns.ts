import { defineCollector, MINUTE, SECOND } from '../types.js';
import { badLineReporter } from './common.js';
import { isResolvedStub, parseNsswitchHosts, parseResolvConf } from './dns.parse.js';

export const dns = defineCollector({
  name: 'dns',
  area: 'network',
  description: 'DNS resolvers from /etc/resolv.conf (systemd-resolved stub noted) and the hosts line of /etc/nsswitch.conf.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'dns_resolvers', key: ['position'], description: 'Nameservers in resolv.conf order.', drift: true },
    { name: 'dns_config', key: [], description: 'Search domains, options and nsswitch hosts sources.', drift: true },
  ],
  async collect(ctx) {
    const resolv = await ctx.fs.readTextIfExists('/etc/resolv.conf');
    const nsswitch = await ctx.fs.readTextIfExists('/etc/nsswitch.conf');
    if (resolv === null && nsswitch === null) return [{ name: 'dns_resolvers', rows: [] }, { name: 'dns_config', rows: [] }];
    const conf = parseResolvConf(resolv ?? '', badLineReporter(ctx.parseError, '/etc/resolv.conf'));
    const hosts = nsswitch === null ? null : parseNsswitchHosts(nsswitch);
    // With systemd-resolved the real upstream servers are in /run/systemd/resolve/resolv.conf.
    const stub = conf.nameservers.some(isResolvedStub);
    const upstream = stub ? await ctx.fs.readTextIfExists('/run/systemd/resolve/resolv.conf') : null;
    return [
      {
        name: 'dns_resolvers',
        rows: conf.nameservers.map((address, i) => ({
          position: i + 1,
          address,
          family: address.includes(':') ? 'ipv6' : 'ipv4',
          resolved_stub: isResolvedStub(address),
        })),
      },
      {
        name: 'dns_config',
        rows: [
          {
            resolv_conf_present: resolv !== null,
            nameservers: conf.nameservers.length,
            search: conf.search.join(' '),
            options: conf.options.join(' '),
            resolved_stub: stub,
            upstream_nameservers: upstream === null ? '' : parseResolvConf(upstream).nameservers.join(' '),
            nsswitch_hosts: hosts === null ? '' : hosts.join(' '),
            hosts_uses_dns: hosts === null ? null : hosts.includes('dns') || hosts.includes('resolve'),
          },
        ],
      },
    ];
  },
});
