import { defineCollector, MINUTE, SECOND } from '../types.js';
import { checkAborted, packageResult, packageTables, type PackageRow } from './common.js';
import { pacmanPackage, parsePacmanDesc } from './pacman.parse.js';

const LOCAL = '/var/lib/pacman/local';
const KEY = ['manager', 'name', 'arch'];

export const pacman = defineCollector({
  name: 'pacman',
  area: 'software',
  description: 'Installed Arch Linux packages from the pacman local database (/var/lib/pacman/local/*/desc).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: packageTables('pacman', KEY),
  async collect(ctx) {
    const rows: PackageRow[] = [];
    for (const entry of (await ctx.fs.readdirIfExists(LOCAL)) ?? []) {
      if (entry.type !== 'dir') continue; // ALPM_DB_VERSION and friends
      checkAborted(ctx);
      const file = `${LOCAL}/${entry.name}/desc`;
      const text = await ctx.fs.readTextIfExists(file);
      if (text === null) {
        ctx.parseError(file, 'package directory without desc');
        continue;
      }
      const p = pacmanPackage(parsePacmanDesc(text));
      if (typeof p === 'string') {
        ctx.parseError(file, p);
        continue;
      }
      rows.push({
        manager: 'pacman',
        name: p.name,
        version: p.version,
        arch: p.arch,
        location: '',
        install_time: p.installTime,
        explicit: p.explicit,
      });
    }
    return packageResult('pacman', KEY, rows);
  },
});
