import type { FactRow, FactTable, TableSpec } from '../types.js';
import { joinList, riskyPermissions } from './permissions.js';

/** The tables both browser collectors return (same shape, so they feed the same families). */
export const EXTENSION_TABLES: TableSpec[] = [
  {
    name: 'browser_extensions',
    key: ['browser', 'user', 'profile', 'id'],
    description: 'One row per installed extension or add-on of a browser profile; installs, removals and permission changes are drift.',
    drift: true,
  },
  {
    name: 'browser_extension_risky_permissions',
    key: ['browser', 'user', 'profile', 'id', 'permission'],
    description: 'One row per risky permission or all-sites host pattern an extension holds.',
  },
  { name: 'browser_extension_counts', key: ['browser'], description: 'Extensions, risky extensions and profiles per browser.' },
];

export interface Extension {
  browser: string;
  user: string;
  profile: string;
  id: string;
  name: string;
  version: string;
  type: string;
  manifest_version: number | null;
  enabled: boolean | null;
  from_webstore: boolean | null;
  location: string;
  install_time: number | null;
  permissions: string[];
  optional_permissions: string[];
  host_permissions: string[];
  content_script_matches: string[];
  path: string;
}

/** Turns extensions into the three tables; risk covers granted permissions, host patterns and content-script matches. */
export function extensionTables(exts: Extension[], browsers: string[], profiles: Map<string, number>): FactTable[] {
  const rows: FactRow[] = [];
  const risky: FactRow[] = [];
  const counts = new Map(browsers.map((b) => [b, { extensions: 0, risky: 0 }]));
  for (const e of exts) {
    const riskyPerms = riskyPermissions([...e.permissions, ...e.host_permissions, ...e.content_script_matches]);
    rows.push({
      browser: e.browser,
      user: e.user,
      profile: e.profile,
      id: e.id,
      name: e.name,
      version: e.version,
      type: e.type,
      manifest_version: e.manifest_version,
      enabled: e.enabled,
      from_webstore: e.from_webstore,
      location: e.location,
      install_time: e.install_time,
      permissions: joinList(e.permissions),
      optional_permissions: joinList(e.optional_permissions),
      host_permissions: joinList(e.host_permissions),
      content_script_matches: joinList(e.content_script_matches),
      risky_permissions: riskyPerms.join(','),
      risky: riskyPerms.length > 0,
      path: e.path,
    });
    for (const permission of riskyPerms) risky.push({ browser: e.browser, user: e.user, profile: e.profile, id: e.id, name: e.name, permission });
    const c = counts.get(e.browser) ?? { extensions: 0, risky: 0 };
    c.extensions++;
    if (riskyPerms.length > 0) c.risky++;
    counts.set(e.browser, c);
  }
  const countRows = [...counts]
    .filter(([b, c]) => c.extensions > 0 || (profiles.get(b) ?? 0) > 0)
    .map(([browser, c]) => ({ browser, extensions: c.extensions, risky_extensions: c.risky, profiles: profiles.get(browser) ?? 0 }));
  return [
    { name: 'browser_extensions', rows },
    { name: 'browser_extension_risky_permissions', rows: risky },
    { name: 'browser_extension_counts', rows: countRows },
  ];
}

/** Extension and manifest files are small; a bigger one is not what it claims to be. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;
/** Preferences can hold a lot of site settings; extensions.json grows with add-ons. */
export const PROFILE_JSON_MAX_BYTES = 32 * 1024 * 1024;
