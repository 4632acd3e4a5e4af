export interface NpmRegistry {
  /** "" for the default registry, "@scope" for a scoped one. */
  scope: string;
  /** Raw URL: credentials may be in it, callers sanitize. */
  url: string;
}

export interface NpmConfig {
  registries: NpmRegistry[];
  /** strict-ssl as set in this file (null when not set). */
  strictSsl: boolean | null;
  /**
   * Where credentials are configured: "" for the legacy global `_authToken`/`_auth`/`_password`,
   * or the `//host/path/` prefix of a per-registry one. Values are never kept.
   */
  authFor: string[];
}

const SECRET_KEYS = new Set(['_authtoken', '_auth', '_password', 'password', 'token', 'certfile', 'keyfile']);

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.endsWith(t[0]!)) return t.slice(1, -1);
  return t;
}

/**
 * Parses an npmrc (npm's `ini` format: key = value, `;`/`#` comments). The values of
 * credential keys are dropped here, so they never reach a row.
 */
export function parseNpmrc(text: string, onBad?: (line: number, reason: string) => void): NpmConfig {
  const conf: NpmConfig = { registries: [], strictSsl: null, authFor: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#') || /^\[[^\]]*\]$/.test(t)) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) {
      onBad?.(i + 1, 'expected key=value');
      continue;
    }
    const key = t.slice(0, eq).trim();
    // "//registry.example.com/path/:_authToken": the part after the last ":" names the setting.
    const nerf = /^(\/\/.*\/):([^/:]+)$/.exec(key);
    const setting = (nerf ? nerf[2]! : key).toLowerCase();
    if (SECRET_KEYS.has(setting)) {
      if (setting !== 'certfile' && setting !== 'keyfile') conf.authFor.push(nerf ? nerf[1]! : '');
      continue;
    }
    if (nerf) continue; // other per-registry settings (username, email, always-auth)
    const value = unquote(t.slice(eq + 1));
    if (key === 'registry') conf.registries.push({ scope: '', url: value });
    else if (/^@[^:]+:registry$/.test(key)) conf.registries.push({ scope: key.slice(0, key.indexOf(':')), url: value });
    else if (key === 'strict-ssl') conf.strictSsl = value.toLowerCase() !== 'false';
  }
  return conf;
}
