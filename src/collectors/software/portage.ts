import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { checkAborted, packageResult, packageTables, type PackageRow } from './common.js';
import { countEntries, parseWorld, splitPf } from './portage.parse.js';

const VDB = '/var/db/pkg';
const WORLD = '/var/lib/portage/world';
const CONFIG = '/etc/portage';
const KEY = ['manager', 'name', 'arch'];

/** One line of a vdb metadata file (CATEGORY, PF, SLOT, repository), or null. */
async function vdbValue(ctx: CollectContext, dir: string, file: string): Promise<string | null> {
  const text = await ctx.fs.readTextIfExists(`${dir}/${file}`);
  return text === null ? null : text.trim();
}

export const portage = defineCollector({
  name: 'portage',
  area: 'software',
  description: 'Installed Gentoo packages from /var/db/pkg, the world set, and entry counts of /etc/portage/package.* files.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 60 * SECOND,
  tables: [
    ...packageTables('portage', KEY, 'name is category/package'),
    {
      name: 'portage_entries',
      key: ['source'],
      description: 'Entries of the world set (source "world") and of each /etc/portage/package.* file or directory.',
    },
  ],
  async collect(ctx) {
    const worldText = await ctx.fs.readTextIfExists(WORLD);
    const world = worldText === null ? new Set<string>() : parseWorld(worldText);
    const rows: PackageRow[] = [];
    for (const cat of (await ctx.fs.readdirIfExists(VDB)) ?? []) {
      if (cat.type !== 'dir') continue;
      for (const pkg of (await ctx.fs.readdirIfExists(`${VDB}/${cat.name}`)) ?? []) {
        if (pkg.type !== 'dir' || pkg.name.startsWith('-MERGING-')) continue; // an interrupted merge
        checkAborted(ctx);
        const dir = `${VDB}/${cat.name}/${pkg.name}`;
        const category = (await vdbValue(ctx, dir, 'CATEGORY')) ?? cat.name;
        const pf = (await vdbValue(ctx, dir, 'PF')) ?? pkg.name;
        const split = splitPf(pf);
        if (!split) {
          ctx.parseError(`${dir}/PF`, `"${pf}" has no valid version`);
          continue;
        }
        const name = `${category}/${split.pn}`;
        rows.push({
          manager: 'portage',
          name,
          version: split.pvr,
          arch: '',
          location: '',
          slot: (await vdbValue(ctx, dir, 'SLOT')) ?? '',
          repository: (await vdbValue(ctx, dir, 'repository')) ?? '',
          selected: world.has(name),
        });
      }
    }
    const entries: FactRow[] = [];
    if (worldText !== null) entries.push({ source: 'world', files: 1, entries: countEntries(worldText) });
    entries.push(...(await packageConfig(ctx)));
    return packageResult('portage', KEY, rows, [{ name: 'portage_entries', rows: entries }]);
  },
});

/** package.use, package.mask, package.accept_keywords…: each a file or a directory of files. */
async function packageConfig(ctx: CollectContext): Promise<FactRow[]> {
  const out: FactRow[] = [];
  for (const e of (await ctx.fs.readdirIfExists(CONFIG)) ?? []) {
    if (!e.name.startsWith('package.')) continue;
    const path = `${CONFIG}/${e.name}`;
    const st = await ctx.fs.statIfExists(path);
    if (!st) continue;
    let files = 0;
    let entries = 0;
    if (st.isDirectory()) {
      for (const f of (await ctx.fs.readdirIfExists(path)) ?? []) {
        // Portage ignores hidden files and editor backups.
        if (f.name.startsWith('.') || f.name.endsWith('~') || f.type === 'dir') continue;
        const text = await ctx.fs.readTextIfExists(`${path}/${f.name}`);
        if (text === null) continue;
        files++;
        entries += countEntries(text);
      }
    } else {
      const text = await ctx.fs.readText(path);
      files = 1;
      entries = countEntries(text);
    }
    out.push({ source: e.name, files, entries });
  }
  return out;
}
