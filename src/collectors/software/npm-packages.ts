import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { checkAborted, packageResult, packageTables, type PackageRow } from './common.js';
import { homesOf, subdirs } from './homes.js';
import { readPackageJson } from './package-json.js';

const GLOBAL = ['/usr/lib/node_modules', '/usr/local/lib/node_modules'];
const KEY = ['manager', 'name', 'location'];

interface ModulesDir {
  location: string;
  kind: 'global' | 'user' | 'nvm';
  user: string;
}

async function findModuleDirs(ctx: CollectContext): Promise<ModulesDir[]> {
  const out: ModulesDir[] = GLOBAL.map((location) => ({ location, kind: 'global', user: '' }));
  for (const h of await homesOf(ctx)) {
    out.push({ location: `${h.home}/.npm-global/lib/node_modules`, kind: 'global', user: h.user });
    out.push({ location: `${h.home}/node_modules`, kind: 'user', user: h.user });
    for (const v of await subdirs(ctx, `${h.home}/.nvm/versions/node`))
      out.push({ location: `${h.home}/.nvm/versions/node/${v}/lib/node_modules`, kind: 'nvm', user: h.user });
  }
  return out;
}

/** Top-level packages of a node_modules directory: `name/` and `@scope/name/`. */
async function packageDirs(ctx: CollectContext, modules: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await subdirs(ctx, modules)) {
    if (name.startsWith('.')) continue; // .bin, .package-lock.json's neighbours
    if (name.startsWith('@')) for (const sub of await subdirs(ctx, `${modules}/${name}`)) out.push(`${modules}/${name}/${sub}`);
    else out.push(`${modules}/${name}`);
  }
  return out;
}

export const npmPackages = defineCollector({
  name: 'npm_packages',
  area: 'software',
  description:
    'npm packages (package.json name and version) in global node_modules (/usr/lib, /usr/local/lib, ~/.npm-global), ~/node_modules and nvm installs of each user.',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 60 * SECOND,
  tables: [
    ...packageTables('npm', KEY, 'location is the node_modules directory'),
    {
      name: 'package_locations',
      key: ['location'],
      description: 'Each node_modules directory found: kind (global, user, nvm), owning user for homes, and its package count.',
      drift: true,
      volatile: ['packages'],
    },
  ],
  async collect(ctx) {
    const rows: PackageRow[] = [];
    const locations: FactRow[] = [];
    for (const dir of await findModuleDirs(ctx)) {
      checkAborted(ctx);
      const pkgs = await packageDirs(ctx, dir.location);
      if (pkgs.length === 0) continue;
      const names = new Set<string>();
      for (const pkg of pkgs) {
        const p = await readPackageJson(ctx, `${pkg}/package.json`);
        if (!p) continue;
        names.add(p.name);
        rows.push({ manager: 'npm', name: p.name, version: p.version, arch: '', location: dir.location, kind: dir.kind, user: dir.user });
      }
      locations.push({ manager: 'npm', location: dir.location, kind: dir.kind, user: dir.user, packages: names.size });
    }
    return packageResult('npm', KEY, rows, [{ name: 'package_locations', rows: locations }]);
  },
});
