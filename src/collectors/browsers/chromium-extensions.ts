import { isNotFound } from '../../host/hostfs.js';
import { userHomes } from '../../host/homes.js';
import { defineCollector, MINUTE, SECOND, type CollectContext } from '../types.js';
import { compareVersions, lookupMessage, messageKey, parseManifest, parsePreferences, type ExtensionSettings } from './chromium.parse.js';
import { EXTENSION_TABLES, extensionTables, MANIFEST_MAX_BYTES, PROFILE_JSON_MAX_BYTES, type Extension } from './common.js';

/** Browser → its user data directory under the home. Opera keeps one profile at the top of its directory. */
export const CHROMIUM_BROWSERS: { browser: string; dir: string; singleProfile?: boolean }[] = [
  { browser: 'chrome', dir: '.config/google-chrome' },
  { browser: 'chromium', dir: '.config/chromium' },
  { browser: 'edge', dir: '.config/microsoft-edge' },
  { browser: 'brave', dir: '.config/BraveSoftware/Brave-Browser' },
  { browser: 'opera', dir: '.config/opera', singleProfile: true },
];

const PROFILE_DIR = /^(Default|Profile \d+|Guest Profile)$/;
const EXTENSION_ID = /^[a-p]{32}$/;

async function readJsonFile(ctx: CollectContext, file: string, max: number): Promise<string | null> {
  return ctx.fs.readTextIfExists(file, { maxBytes: max });
}

/** The extension settings of a profile from Preferences and Secure Preferences (newer Chrome moves them there). */
async function profileSettings(ctx: CollectContext, profileDir: string): Promise<Map<string, ExtensionSettings>> {
  const merged = new Map<string, ExtensionSettings>();
  for (const name of ['Preferences', 'Secure Preferences']) {
    const file = `${profileDir}/${name}`;
    const text = await readJsonFile(ctx, file, PROFILE_JSON_MAX_BYTES);
    if (text === null) continue;
    try {
      for (const [id, s] of parsePreferences(text)) merged.set(id, { ...merged.get(id), ...s });
    } catch (err) {
      ctx.parseError(file, (err as Error).message);
    }
  }
  return merged;
}

/** The extension's display name, resolving `__MSG_name__` through _locales/<default_locale>/messages.json. */
async function displayName(ctx: CollectContext, dir: string, name: string, locale: string): Promise<string> {
  const key = messageKey(name);
  if (key === null) return name;
  for (const loc of [locale, 'en', 'en_US'].filter(Boolean)) {
    const file = `${dir}/_locales/${loc}/messages.json`;
    const text = await ctx.fs.readTextIfExists(file, { maxBytes: MANIFEST_MAX_BYTES }).catch((err) => {
      if (isNotFound(err)) return null;
      throw err;
    });
    if (text === null) continue;
    try {
      const msg = lookupMessage(text, key);
      if (msg !== null) return msg;
    } catch (err) {
      ctx.parseError(file, (err as Error).message);
    }
  }
  return name;
}

async function readExtension(
  ctx: CollectContext,
  base: Omit<Extension, 'id' | 'name' | 'version' | 'manifest_version' | 'permissions' | 'optional_permissions' | 'host_permissions' | 'content_script_matches' | 'path' | 'enabled' | 'from_webstore' | 'location' | 'install_time'>,
  id: string,
  dir: string,
  settings: ExtensionSettings | undefined,
): Promise<Extension | null> {
  const file = `${dir}/manifest.json`;
  const text = await ctx.fs.readTextIfExists(file, { maxBytes: MANIFEST_MAX_BYTES });
  if (text === null) return null;
  let m;
  try {
    m = parseManifest(text);
  } catch (err) {
    ctx.parseError(file, (err as Error).message);
    return null;
  }
  return {
    ...base,
    id,
    name: await displayName(ctx, dir, m.name, m.default_locale),
    version: m.version,
    manifest_version: m.manifest_version,
    enabled: settings?.enabled ?? null,
    from_webstore: settings?.from_webstore ?? null,
    location: settings?.location ?? '',
    install_time: settings?.install_time ?? null,
    permissions: m.permissions,
    optional_permissions: m.optional_permissions,
    host_permissions: m.host_permissions,
    content_script_matches: m.content_script_matches,
    path: dir,
  };
}

async function profileExtensions(ctx: CollectContext, browser: string, user: string, profile: string, profileDir: string, extDir: string): Promise<Extension[]> {
  const settings = await profileSettings(ctx, profileDir);
  const out: Extension[] = [];
  const base = { browser, user, profile, type: 'extension' };
  const seen = new Set<string>();
  for (const e of (await ctx.fs.readdirIfExists(extDir)) ?? []) {
    if (!EXTENSION_ID.test(e.name)) continue; // "Temp" and stray files
    // Several version directories exist while an update is pending: the highest is the one that runs.
    const versions = ((await ctx.fs.readdirIfExists(`${extDir}/${e.name}`)) ?? []).filter((v) => v.type === 'dir').map((v) => v.name);
    const latest = versions.sort((a, b) => compareVersions(b, a))[0];
    if (!latest) continue;
    const ext = await readExtension(ctx, base, e.name, `${extDir}/${e.name}/${latest}`, settings.get(e.name));
    if (ext) {
      out.push(ext);
      seen.add(e.name);
    }
  }
  // Unpacked (developer mode) extensions load from anywhere: their manifest is where Preferences says.
  for (const [id, s] of settings) {
    if (seen.has(id) || s.location !== 'unpacked' || !s.path.startsWith('/')) continue;
    const ext = await readExtension(ctx, base, id, s.path, s);
    if (ext) out.push(ext);
  }
  return out;
}

export const chromiumExtensions = defineCollector({
  name: 'chromium_extensions',
  area: 'browsers',
  description: 'Chrome, Chromium, Edge, Brave and Opera extensions of every user profile (manifest.json, Preferences), risky permissions flagged.',
  defaultEnabled: true,
  interval: 10 * MINUTE,
  timeout: 60 * SECOND,
  tables: EXTENSION_TABLES,
  async collect(ctx) {
    const exts: Extension[] = [];
    const profiles = new Map<string, number>();
    for (const { user, home } of await userHomes(ctx.fs, ctx)) {
      for (const b of CHROMIUM_BROWSERS) {
        if (ctx.signal.aborted) break;
        const root = `${home}/${b.dir}`;
        const entries = await ctx.fs.readdirIfExists(root);
        if (!entries) continue;
        const dirs = b.singleProfile ? [{ profile: 'Default', dir: root }] : entries.filter((e) => e.type === 'dir' && PROFILE_DIR.test(e.name)).map((e) => ({ profile: e.name, dir: `${root}/${e.name}` }));
        for (const { profile, dir } of dirs) {
          profiles.set(b.browser, (profiles.get(b.browser) ?? 0) + 1);
          exts.push(...(await profileExtensions(ctx, b.browser, user, profile, dir, `${dir}/Extensions`)));
        }
      }
    }
    return extensionTables(exts, CHROMIUM_BROWSERS.map((b) => b.browser), profiles);
  },
});
