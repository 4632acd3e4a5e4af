/** API permissions that let an extension read or steer everything the user does on the web. */
const RISKY_API = new Set(['webRequest', 'webRequestBlocking', 'cookies', 'debugger', 'nativeMessaging', 'proxy']);

// Host patterns that match every site: <all_urls>, or any scheme with host "*" and any path (e.g. "*://*/*", "https://*/*").
export function isAllSitesPattern(p: string): boolean {
  return p === '<all_urls>' || /^(\*|https?|wss?|ftp|file):\/\/\*\/.*$/.test(p);
}

export function isHostPattern(p: string): boolean {
  return p === '<all_urls>' || p.includes('://');
}

/** The risky entries of an extension's permissions and host patterns (sorted, unique). */
export function riskyPermissions(perms: string[]): string[] {
  return [...new Set(perms.filter((p) => RISKY_API.has(p) || isAllSitesPattern(p)))].sort();
}

/** Permission entries as strings: MV2/MV3 allow objects like `{"fileSystem": ["write"]}`; their keys are kept. */
export function permissionStrings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const p of v) {
    if (typeof p === 'string') out.push(p);
    else if (p && typeof p === 'object') out.push(...Object.keys(p));
  }
  return out;
}

/** Table columns hold lists as sorted, comma-separated text. */
export function joinList(list: string[]): string {
  return [...new Set(list)].sort().join(',');
}
