import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts, uniqueBy, fileSummary, fileSummaryTable } from './common.js';
import { isSensitiveHostname, parseHosts } from './etc-hosts.parse.js';

const PATH = '/etc/hosts';

export const etcHosts = defineCollector({
  name: 'etc_hosts',
  area: 'configuration',
  description: 'Static host name entries of /etc/hosts; pinned update/security domains are flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'etc_hosts',
      key: ['hostname', 'address'],
      description: 'One row per (host name, address) of /etc/hosts; `sensitive` marks names of update, package or security domains.',
      drift: true,
    },
    fileSummaryTable('etc_hosts'),
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'etc_hosts', rows: [] }, { name: 'etc_hosts_file', rows: [] }];
    const entries = parseHosts(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const rows = uniqueBy(
      entries.map((e) => ({ hostname: e.hostname, address: e.address, alias: e.alias, sensitive: isSensitiveHostname(e.hostname) })),
      ['hostname', 'address'],
    );
    return [
      { name: 'etc_hosts', rows },
      { name: 'etc_hosts_file', rows: [fileSummary(f, rows.length, rows.filter((r) => r.sensitive).length)] },
    ];
  },
});
