import { parseIni } from '../ini.parse.js';
import { isHostPattern, permissionStrings } from './permissions.js';

export interface FirefoxAddon {
  id: string;
  name: string;
  version: string;
  type: string;
  active: boolean | null;
  user_disabled: boolean | null;
  location: string;
  permissions: string[];
  host_permissions: string[];
  optional_permissions: string[];
  /** Unix seconds. */
  install_time: number | null;
  path: string;
}

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * Parses a profile's extensions.json. Throws when the document is not JSON with an `addons`
 * list (a truncated write); an add-on without a string id is reported through `onBad` and skipped.
 */
export function parseExtensionsJson(text: string, onBad?: (index: number, reason: string) => void): FirefoxAddon[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`);
  }
  const addons = obj(doc)?.addons;
  if (!Array.isArray(addons)) throw new Error('no "addons" list');
  const out: FirefoxAddon[] = [];
  addons.forEach((raw, i) => {
    const a = obj(raw);
    if (!a || typeof a.id !== 'string' || a.id === '') {
      onBad?.(i, 'add-on without an id');
      return;
    }
    const user = obj(a.userPermissions);
    const optional = obj(a.optionalPermissions);
    const origins = permissionStrings(user?.origins);
    const perms = permissionStrings(user?.permissions);
    const name = obj(a.defaultLocale)?.name;
    out.push({
      id: a.id,
      name: typeof name === 'string' ? name : typeof a.name === 'string' ? a.name : a.id,
      version: typeof a.version === 'string' ? a.version : '',
      type: typeof a.type === 'string' ? a.type : '',
      active: typeof a.active === 'boolean' ? a.active : null,
      user_disabled: typeof a.userDisabled === 'boolean' ? a.userDisabled : null,
      location: typeof a.location === 'string' ? a.location : '',
      permissions: perms.filter((p) => !isHostPattern(p)),
      host_permissions: [...origins, ...perms.filter(isHostPattern)],
      optional_permissions: [...permissionStrings(optional?.permissions), ...permissionStrings(optional?.origins)],
      install_time: typeof a.installDate === 'number' && a.installDate > 0 ? Math.floor(a.installDate / 1000) : null,
      path: typeof a.path === 'string' ? a.path : '',
    });
  });
  return out;
}

export interface IniProfile {
  name: string;
  path: string;
  relative: boolean;
}

/** The [ProfileN] sections of a Firefox profiles.ini. */
export function parseProfilesIni(text: string): IniProfile[] {
  return parseIni(text, undefined, { keepCase: true }).flatMap((section) => {
    const path = section.values.get('Path');
    if (!/^Profile\d+$/.test(section.name) || !path) return [];
    return [{ name: section.values.get('Name') ?? path, path, relative: section.values.get('IsRelative') !== '0' }];
  });
}
