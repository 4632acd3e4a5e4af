import * as path from 'node:path';
import { userHomes } from '../../host/homes.js';
import { defineCollector, MINUTE, SECOND, type CollectContext } from '../types.js';
import { EXTENSION_TABLES, extensionTables, PROFILE_JSON_MAX_BYTES, type Extension } from './common.js';
import { parseExtensionsJson, parseProfilesIni } from './firefox.parse.js';

/** Firefox profile roots under a home: the usual one, and the snap and flatpak packagings. */
const FIREFOX_ROOTS = ['.mozilla/firefox', 'snap/firefox/common/.mozilla/firefox', '.var/app/org.mozilla.firefox/.mozilla/firefox'];

/** Profile directories of a Firefox root: those profiles.ini names, plus any directory holding an extensions.json. */
async function profileDirs(ctx: CollectContext, root: string): Promise<{ profile: string; dir: string }[]> {
  const found = new Map<string, string>();
  const ini = await ctx.fs.readTextIfExists(`${root}/profiles.ini`, { maxBytes: 1024 * 1024 });
  for (const p of ini ? parseProfilesIni(ini) : []) {
    const dir = p.relative ? `${root}/${p.path}` : p.path;
    if (dir.startsWith('/')) found.set(path.posix.normalize(dir), path.posix.basename(p.path));
  }
  for (const e of (await ctx.fs.readdirIfExists(root)) ?? []) {
    const dir = `${root}/${e.name}`;
    if (e.type === 'dir' && !found.has(dir) && (await ctx.fs.exists(`${dir}/extensions.json`))) found.set(dir, e.name);
  }
  return [...found].map(([dir, profile]) => ({ profile, dir }));
}

export const firefoxAddons = defineCollector({
  name: 'firefox_addons',
  area: 'browsers',
  description: "Firefox add-ons of every user profile (extensions.json): extensions, themes, dictionaries, risky permissions flagged.",
  defaultEnabled: true,
  interval: 10 * MINUTE,
  timeout: 60 * SECOND,
  tables: EXTENSION_TABLES,
  async collect(ctx) {
    const exts: Extension[] = [];
    let profiles = 0;
    for (const { user, home } of await userHomes(ctx.fs, ctx)) {
      for (const rootDir of FIREFOX_ROOTS) {
        for (const { profile, dir } of await profileDirs(ctx, `${home}/${rootDir}`)) {
          if (ctx.signal.aborted) break;
          profiles++;
          const file = `${dir}/extensions.json`;
          const text = await ctx.fs.readTextIfExists(file, { maxBytes: PROFILE_JSON_MAX_BYTES });
          if (text === null) continue;
          let addons;
          try {
            addons = parseExtensionsJson(text, (i, reason) => ctx.parseError(file, `addons[${i}]: ${reason}`));
          } catch (err) {
            // A truncated extensions.json (Firefox rewrites it on every change) spoils one profile, not the others.
            ctx.parseError(file, (err as Error).message);
            continue;
          }
          for (const a of addons) {
            exts.push({
              browser: 'firefox',
              user,
              profile,
              id: a.id,
              name: a.name,
              version: a.version,
              type: a.type,
              manifest_version: null,
              enabled: a.active,
              from_webstore: null,
              location: a.location,
              install_time: a.install_time,
              permissions: a.permissions,
              optional_permissions: a.optional_permissions,
              host_permissions: a.host_permissions,
              content_script_matches: [],
              path: a.path,
            });
          }
        }
      }
    }
    return extensionTables(exts, ['firefox'], new Map([['firefox', profiles]]));
  },
});
