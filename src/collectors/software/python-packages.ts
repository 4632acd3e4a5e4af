import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { checkAborted, intOption, MAX_DIRS_OPTION, packageResult, packageTables, type PackageRow } from './common.js';
import { findMarkedDirs, homesOf, isDir, subdirs } from './homes.js';
import { isPython3Dir, parseCoreMetadata } from './python-packages.parse.js';

const SYSTEM_LIBS = ['/usr/lib', '/usr/local/lib', '/usr/lib64', '/usr/local/lib64'];
const KEY = ['manager', 'name', 'location'];

interface SiteDir {
  location: string;
  kind: 'system' | 'user' | 'venv';
  user: string;
}

/** site-packages and dist-packages of every python3* directory under `lib`. */
async function siteDirsUnder(ctx: CollectContext, lib: string): Promise<string[]> {
  const out: string[] = [];
  for (const py of await subdirs(ctx, lib)) {
    if (!isPython3Dir(py)) continue;
    for (const leaf of ['site-packages', 'dist-packages']) {
      const dir = `${lib}/${py}/${leaf}`;
      if (await isDir(ctx, dir).catch(() => false)) out.push(dir);
    }
  }
  return out;
}

async function findSiteDirs(ctx: CollectContext): Promise<SiteDir[]> {
  const sites: SiteDir[] = [];
  for (const lib of SYSTEM_LIBS) for (const location of await siteDirsUnder(ctx, lib)) sites.push({ location, kind: 'system', user: '' });
  const homes = await homesOf(ctx);
  for (const h of homes) {
    for (const location of await siteDirsUnder(ctx, `${h.home}/.local/lib`)) sites.push({ location, kind: 'user', user: h.user });
  }
  const budget = { left: intOption(ctx, 'max_dirs') };
  const depth = intOption(ctx, 'venv_depth');
  const roots: { root: string; user: string }[] = [...homes.map((h) => ({ root: h.home, user: h.user })), { root: '/opt', user: '' }];
  for (const { root, user } of roots) {
    for (const venv of await findMarkedDirs(ctx, [root], 'pyvenv.cfg', depth, budget)) {
      for (const lib of ['lib', 'lib64']) for (const location of await siteDirsUnder(ctx, `${venv}/${lib}`)) sites.push({ location, kind: 'venv', user });
    }
  }
  // lib64 is often a link to lib: one location per real directory.
  const seen = new Set<string>();
  const unique: SiteDir[] = [];
  for (const s of sites) {
    const real = await ctx.fs.canonical(s.location);
    if (seen.has(real)) continue;
    seen.add(real);
    unique.push(s);
  }
  return unique;
}

/** The metadata file of a distribution entry of a site dir, or null when the entry is no distribution. */
function metadataFile(site: string, name: string, type: string): string | null {
  if (name.endsWith('.dist-info') && type === 'dir') return `${site}/${name}/METADATA`;
  if (name.endsWith('.egg-info')) return type === 'dir' ? `${site}/${name}/PKG-INFO` : `${site}/${name}`;
  return null;
}

export const pythonPackages = defineCollector({
  name: 'python_packages',
  area: 'software',
  description:
    'Python distributions (*.dist-info/METADATA, *.egg-info) in system site-packages/dist-packages, user site dirs, and virtualenvs found under user homes and /opt.',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 60 * SECOND,
  options: [
    MAX_DIRS_OPTION,
    { name: 'venv_depth', type: 'int', default: 4, help: 'How many directory levels below each home and /opt to look for pyvenv.cfg.' },
  ],
  tables: [
    ...packageTables('python', KEY, 'location is the site-packages directory, so one package in two venvs is two rows'),
    {
      name: 'package_locations',
      key: ['location'],
      description: 'Each site-packages directory found: kind (system, user, venv), owning user for homes, and its package count.',
      drift: true,
      volatile: ['packages'],
    },
  ],
  async collect(ctx) {
    const rows: PackageRow[] = [];
    const locations: FactRow[] = [];
    for (const site of await findSiteDirs(ctx)) {
      checkAborted(ctx);
      const names = new Set<string>();
      for (const e of (await ctx.fs.readdirIfExists(site.location)) ?? []) {
        const file = metadataFile(site.location, e.name, e.type);
        if (!file) continue;
        const text = await ctx.fs.readTextIfExists(file);
        if (text === null) {
          ctx.parseError(file, 'missing');
          continue;
        }
        const meta = parseCoreMetadata(text);
        if (typeof meta === 'string') {
          ctx.parseError(file, meta);
          continue;
        }
        names.add(meta.name);
        rows.push({ manager: 'python', name: meta.name, version: meta.version, arch: '', location: site.location, kind: site.kind, user: site.user });
      }
      locations.push({ manager: 'python', location: site.location, kind: site.kind, user: site.user, packages: names.size });
    }
    return packageResult('python', KEY, rows, [{ name: 'package_locations', rows: locations }]);
  },
});
