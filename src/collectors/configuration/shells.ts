import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFileFacts, fileSummary, fileSummaryTable } from './common.js';
import { parseShells } from './etc-services.parse.js';

const PATH = '/etc/shells';

export const shells = defineCollector({
  name: 'shells',
  area: 'configuration',
  description: 'Valid login shells of /etc/shells; a listed shell missing from the host is flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'shells', key: ['shell'], description: 'One row per listed shell; `exists` is whether the program is on the host.', drift: true },
    fileSummaryTable('shells'),
  ],
  async collect(ctx) {
    const f = await readFileFacts(ctx.fs, PATH);
    if (!f) return [{ name: 'shells', rows: [] }, { name: 'shells_file', rows: [] }];
    const list = [...new Set(parseShells(f.text, (line, reason) => ctx.parseError(PATH, `line ${line}: ${reason}`)))];
    const rows = [];
    for (const shell of list) {
      const st = await ctx.fs.statIfExists(shell).catch(() => null);
      rows.push({ shell, exists: st?.isFile() ?? false });
    }
    return [
      { name: 'shells', rows },
      { name: 'shells_file', rows: [fileSummary(f, rows.length, rows.filter((r) => !r.exists).length)] },
    ];
  },
});
