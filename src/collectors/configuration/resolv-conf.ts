import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts } from './common.js';
import { parseResolvConf } from './resolv-conf.parse.js';

const PATH = '/etc/resolv.conf';

export const resolvConf = defineCollector({
  name: 'resolv_conf',
  area: 'configuration',
  description: 'DNS resolver configuration of /etc/resolv.conf: name servers, search list, options.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'resolv_nameservers', key: ['address'], description: 'Name servers in the order the resolver tries them.', drift: true },
    { name: 'resolv_conf', key: ['path'], description: 'Search list, domain, options, count of name servers, sha256.', drift: true },
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'resolv_nameservers', rows: [] }, { name: 'resolv_conf', rows: [] }];
    const conf = parseResolvConf(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const servers = [...new Set(conf.nameservers)];
    return [
      { name: 'resolv_nameservers', rows: servers.map((address, i) => ({ address, position: i + 1, used: i < 3 })) },
      {
        name: 'resolv_conf',
        rows: [{ path: PATH, nameservers: servers.length, search: conf.search.join(' '), domain: conf.domain, options: conf.options.join(' '), sha256: f.sha256 }],
      },
    ];
  },
});
