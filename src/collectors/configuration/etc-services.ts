import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts, uniqueBy, fileSummary, fileSummaryTable } from './common.js';
import { parseServices } from './etc-services.parse.js';

const PATH = '/etc/services';

export const etcServices = defineCollector({
  name: 'etc_services',
  area: 'configuration',
  description: 'Network service names of /etc/services (rows for `collect`; metrics are the count and sha256).',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'etc_services', key: ['name', 'port', 'protocol'], description: 'One row per service entry: name, port, protocol, aliases.' },
    fileSummaryTable('etc_services'),
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'etc_services', rows: [] }, { name: 'etc_services_file', rows: [] }];
    const parsed = parseServices(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const rows = uniqueBy(parsed.map((e) => ({ ...e })), ['name', 'port', 'protocol']);
    return [
      { name: 'etc_services', rows },
      { name: 'etc_services_file', rows: [fileSummary(f, rows.length)] },
    ];
  },
});
