import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { listRegularFiles, sha256Hex } from './common.js';
import { parseLsbHeader, parseRcLink } from './init-scripts.parse.js';

const RUNLEVELS = ['S', '0', '1', '2', '3', '4', '5', '6'];
/** Not scripts: Debian's skeleton and helper files that live in /etc/init.d. */
const NOT_SCRIPTS = new Set(['README', 'skeleton', '.depend.boot', '.depend.start', '.depend.stop', '.legacy-bootordering']);

export const initScripts = defineCollector({
  name: 'init_scripts',
  area: 'services',
  description: 'SysV init scripts of /etc/init.d: sha256, LSB header, runlevels they are started in (/etc/rc?.d links).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    { name: 'init_scripts', key: ['name'], description: 'One row per script in /etc/init.d.', drift: true },
    { name: 'init_script_summary', key: [], description: 'Script counts (one row).' },
  ],
  async collect(ctx) {
    const skip = (p: string, reason: string) => ctx.parseError(p, reason);
    // Which runlevels start each script, from the S* links of /etc/rc<level>.d.
    const startedIn = new Map<string, string[]>();
    for (const level of RUNLEVELS) {
      for (const e of (await ctx.fs.readdirIfExists(`/etc/rc${level}.d`)) ?? []) {
        const link = parseRcLink(e.name);
        if (link?.start) startedIn.set(link.script, [...(startedIn.get(link.script) ?? []), level]);
      }
    }
    const rows: FactRow[] = [];
    for (const f of await listRegularFiles(ctx.fs, '/etc/init.d', skip)) {
      if (NOT_SCRIPTS.has(f.name) || f.name.startsWith('.')) continue;
      const [bytes, st] = await Promise.all([ctx.fs.readBytes(f.path), ctx.fs.stat(f.path)]);
      const lsb = parseLsbHeader(bytes.toString('utf8'));
      rows.push({
        name: f.name,
        path: f.path,
        size: bytes.length,
        sha256: sha256Hex(bytes),
        executable: (st.mode & 0o111) !== 0,
        lsb_header: lsb !== null,
        provides: lsb?.provides.join(' ') ?? '',
        default_start: lsb?.defaultStart.join(' ') ?? '',
        default_stop: lsb?.defaultStop.join(' ') ?? '',
        short_description: lsb?.shortDescription ?? '',
        started_in: (startedIn.get(f.name) ?? []).join(' '),
      });
    }
    return [
      { name: 'init_scripts', rows },
      {
        name: 'init_script_summary',
        rows: [
          {
            scripts: rows.length,
            without_lsb_header: rows.filter((r) => !r.lsb_header).length,
            started: rows.filter((r) => r.started_in !== '').length,
          },
        ],
      },
    ];
  },
});
