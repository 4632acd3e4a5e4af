import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts, uniqueBy, fileSummary, fileSummaryTable } from './common.js';
import { parseProtocols } from './etc-services.parse.js';

const PATH = '/etc/protocols';

export const etcProtocols = defineCollector({
  name: 'etc_protocols',
  area: 'configuration',
  description: 'IP protocol names of /etc/protocols (rows for `collect`; metrics are the count and sha256).',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'etc_protocols', key: ['name', 'number'], description: 'One row per protocol entry: name, number, aliases.' },
    fileSummaryTable('etc_protocols'),
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'etc_protocols', rows: [] }, { name: 'etc_protocols_file', rows: [] }];
    const parsed = parseProtocols(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`));
    const rows = uniqueBy(parsed.map((e) => ({ ...e })), ['name', 'number']);
    return [
      { name: 'etc_protocols', rows },
      { name: 'etc_protocols_file', rows: [fileSummary(f, rows.length)] },
    ];
  },
});
