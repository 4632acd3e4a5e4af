import { defineCollector, MINUTE, SECOND } from '../types.js';
import { packageResult, packageTables, type PackageRow } from './common.js';
import { parseApkInstalled } from './apk.parse.js';

const INSTALLED = '/lib/apk/db/installed';
const KEY = ['manager', 'name', 'arch'];

export const apk = defineCollector({
  name: 'apk',
  area: 'software',
  description: 'Installed Alpine packages from the apk database (/lib/apk/db/installed).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: packageTables('apk', KEY),
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(INSTALLED);
    if (text === null) return packageResult('apk', KEY, []);
    const entries = parseApkInstalled(text, (line, reason) => ctx.parseError(INSTALLED, `line ${line}: ${reason}`));
    if (entries.length === 0 && text.trim() !== '') throw new Error(`${INSTALLED}: no package record found, not an apk database`);
    const rows: PackageRow[] = entries.map((p) => ({
      manager: 'apk',
      name: p.name,
      version: p.version,
      arch: p.arch,
      location: '',
      origin: p.origin,
      build_time: p.buildTime,
    }));
    return packageResult('apk', KEY, rows);
  },
});
