import { isHostPattern, permissionStrings } from './permissions.js';

export interface ChromiumManifest {
  name: string;
  version: string;
  manifest_version: number | null;
  default_locale: string;
  /** API permissions (no host patterns). */
  permissions: string[];
  optional_permissions: string[];
  /** MV3 host_permissions plus MV2 host patterns found in permissions. */
  host_permissions: string[];
  content_script_matches: string[];
  update_url: string;
}

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Parses JSON that may start with a UTF-8 BOM (Chrome writes some messages.json files that way). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** A manifest.json document; throws when it is not a JSON object with a name and a version. */
export function parseManifest(text: string): ChromiumManifest {
  const m = obj(parseJsonText(text));
  if (!m) throw new Error('not a JSON object');
  if (typeof m.name !== 'string' || typeof m.version !== 'string') throw new Error('no name or version');
  const perms = permissionStrings(m.permissions);
  const optional = permissionStrings(m.optional_permissions);
  const hosts = [...permissionStrings(m.host_permissions), ...perms.filter(isHostPattern)];
  const matches: string[] = [];
  if (Array.isArray(m.content_scripts)) {
    for (const cs of m.content_scripts) for (const p of permissionStrings(obj(cs)?.matches)) matches.push(p);
  }
  return {
    name: m.name,
    version: m.version,
    manifest_version: typeof m.manifest_version === 'number' ? m.manifest_version : null,
    default_locale: typeof m.default_locale === 'string' ? m.default_locale : '',
    permissions: perms.filter((p) => !isHostPattern(p)),
    optional_permissions: optional,
    host_permissions: hosts,
    content_script_matches: matches,
    update_url: typeof m.update_url === 'string' ? m.update_url : '',
  };
}

/** `__MSG_appName__` → `appName`, or null when the value is not a message reference. */
export function messageKey(value: string): string | null {
  const m = /^__MSG_(\w+)__$/.exec(value);
  return m ? m[1]! : null;
}

/** Looks a message up in a _locales/<locale>/messages.json document (keys are case-insensitive). */
export function lookupMessage(messagesText: string, key: string): string | null {
  const doc = obj(parseJsonText(messagesText));
  if (!doc) return null;
  const want = key.toLowerCase();
  for (const [k, v] of Object.entries(doc)) {
    const msg = obj(v)?.message;
    if (k.toLowerCase() === want && typeof msg === 'string') return msg;
  }
  return null;
}

export interface ExtensionSettings {
  enabled: boolean | null;
  from_webstore: boolean | null;
  location: string;
  /** Unix seconds. */
  install_time: number | null;
  /** Directory of an unpacked extension (location 4), outside the profile's Extensions directory. */
  path: string;
}

/** Chromium's Manifest::Location values as they appear in Preferences. */
const LOCATIONS: Record<number, string> = {
  1: 'internal',
  2: 'external_pref',
  3: 'external_registry',
  4: 'unpacked',
  5: 'component',
  6: 'external_pref_download',
  7: 'external_policy_download',
  8: 'command_line',
  9: 'external_policy',
  10: 'external_component',
};

/** Seconds between 1601-01-01 (Windows/Chromium time) and the Unix epoch. */
const WINDOWS_EPOCH_OFFSET = 11644473600;

/** extensions.settings of a Preferences or Secure Preferences document, by extension id. */
export function parsePreferences(text: string): Map<string, ExtensionSettings> {
  const doc = obj(parseJsonText(text));
  if (!doc) throw new Error('not a JSON object');
  const settings = obj(obj(doc.extensions)?.settings) ?? {};
  const out = new Map<string, ExtensionSettings>();
  for (const [id, raw] of Object.entries(settings)) {
    const s = obj(raw);
    if (!s) continue;
    const reasons = s.disable_reasons;
    const disabledByReason = typeof reasons === 'number' ? reasons !== 0 : Array.isArray(reasons) ? reasons.length > 0 : null;
    const enabled = typeof s.state === 'number' ? s.state === 1 : disabledByReason === null ? null : !disabledByReason;
    const t = typeof s.install_time === 'string' && /^\d+$/.test(s.install_time) ? Number(s.install_time) / 1e6 - WINDOWS_EPOCH_OFFSET : null;
    out.set(id, {
      enabled,
      from_webstore: typeof s.from_webstore === 'boolean' ? s.from_webstore : null,
      location: typeof s.location === 'number' ? (LOCATIONS[s.location] ?? String(s.location)) : '',
      install_time: t !== null && t > 0 ? Math.floor(t) : null,
      path: typeof s.path === 'string' ? s.path : '',
    });
  }
  return out;
}

/** Compares dotted extension versions numerically (1.10 > 1.9). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[._]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
