import { defineCollector, MINUTE, SECOND } from '../types.js';
import { hasUrlCredentials } from '../../util/redact.js';
import { readSystemAndUserFiles, sourceResult, sourceTables, type SourceInput } from './common.js';
import { parseNpmrc, type NpmConfig } from './npm-config.parse.js';

/** Global npmrc locations: /etc (distribution packages), /usr and /usr/local prefixes. */
const SYSTEM = ['/etc/npmrc', '/usr/etc/npmrc', '/usr/local/etc/npmrc'];

/** Whether a credential line applies to this registry URL (`//host/path/` prefix match, or a legacy global token). */
function hasAuth(conf: NpmConfig, url: string): boolean {
  const bare = url.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/\/\/[^/?#]*@/, '//');
  return conf.authFor.some((prefix) => prefix === '' || bare.startsWith(prefix) || `${bare}/`.startsWith(prefix));
}

export const npmConfig = defineCollector({
  name: 'npm_config',
  area: 'supply_chain',
  description: 'npm registries (registry, @scope:registry, strict-ssl) from global npmrc files and per-user ~/.npmrc.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('npm', 'npm registries'),
  async collect(ctx) {
    const files = await readSystemAndUserFiles(ctx.fs, SYSTEM, ['.npmrc'], ctx);
    if (files.length === 0) return sourceResult('npm', false, []);
    const parsed = files.map((f) => ({ ...f, conf: parseNpmrc(f.text, (line, reason) => ctx.parseError(f.path, `line ${line}: ${reason}`)) }));
    // A user's file overrides the global ones; strict-ssl=false anywhere in force turns off TLS checks.
    const globalStrict = parsed.filter((p) => p.user === '').map((p) => p.conf.strictSsl).filter((s) => s !== null).pop() ?? true;
    const sources: SourceInput[] = parsed.flatMap((p) =>
      p.conf.registries.map((r) => ({
        file: p.path,
        name: r.scope,
        url: r.url,
        type: r.scope ? 'scope_registry' : 'registry',
        enabled: true,
        // npm verifies registry signatures only on `npm audit signatures`, not on install.
        signed: 'unknown' as const,
        trusted: (p.conf.strictSsl ?? globalStrict) === false,
        extra: { user: p.user, auth_token: hasAuth(p.conf, r.url) || hasUrlCredentials(r.url) },
      })),
    );
    const authSettings = parsed.reduce((n, p) => n + p.conf.authFor.length, 0);
    return sourceResult('npm', true, sources, { auth_settings: authSettings, files: files.length });
  },
});
