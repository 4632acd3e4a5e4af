import type { CollectContext, FactTable } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { packageResult, packageTables, unlessUnchanged, type PackageRow } from './common.js';
import { parseDpkgStatus } from './deb.parse.js';

const STATUS = '/var/lib/dpkg/status';
const KEY = ['manager', 'name', 'arch'];

async function readStatus(ctx: CollectContext): Promise<FactTable[]> {
  const text = await ctx.fs.readTextIfExists(STATUS);
  if (text === null) return packageResult('deb', KEY, [], [{ name: 'deb_package_states', rows: [] }]);
  const entries = parseDpkgStatus(text, (line, reason) => ctx.parseError(STATUS, `line ${line}: ${reason}`));
  if (entries.length === 0 && text.trim() !== '') throw new Error(`${STATUS}: no package stanza found, not a dpkg status file`);
  const rows: PackageRow[] = [];
  const states = new Map<string, number>();
  for (const e of entries) {
    states.set(e.state, (states.get(e.state) ?? 0) + 1);
    if (e.state !== 'installed') continue;
    rows.push({
      manager: 'deb',
      name: e.name,
      version: e.version,
      arch: e.arch,
      location: '',
      source: e.source,
      source_version: e.sourceVersion,
      // "hold" packages are pinned by the administrator: worth seeing next to a stale version.
      hold: e.want === 'hold',
    });
  }
  const stateRows = [...states].map(([state, count]) => ({ state, count }));
  return packageResult('deb', KEY, rows, [{ name: 'deb_package_states', rows: stateRows }]);
}

export const deb = defineCollector({
  name: 'deb',
  area: 'software',
  description: 'Installed Debian packages from /var/lib/dpkg/status (state "installed" only), with architecture and source package.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    ...packageTables('deb', KEY),
    {
      name: 'deb_package_states',
      key: ['state'],
      description: 'Packages of the status file per dpkg state (installed, config-files, half-installed, unpacked, …).',
    },
  ],
  async collect(ctx) {
    // dpkg replaces the status file on every change: parse it again only then.
    return unlessUnchanged(ctx, [STATUS], () => readStatus(ctx));
  },
});
