import { defineCollector, MINUTE, SECOND } from '../types.js';
import { hasUrlCredentials } from '../../util/redact.js';
import { readSystemAndUserFiles, sourceResult, sourceTables, urlHost, type SourceInput } from './common.js';
import { parsePipConf, type PipConfig } from './pip-config.parse.js';

const SYSTEM = ['/etc/pip.conf', '/etc/xdg/pip/pip.conf'];
const PER_USER = ['.pip/pip.conf', '.config/pip/pip.conf'];

/** The `host` and `host:port` forms pip compares trusted-host entries with. */
function hostForms(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?([^/?#]*)/i.exec(url);
  const hostPort = (m?.[1] ?? '').toLowerCase();
  return [urlHost(url), hostPort];
}

export const pipConfig = defineCollector({
  name: 'pip_config',
  area: 'supply_chain',
  description: 'pip package indexes (index-url, extra-index-url, find-links, trusted-host) from system and per-user pip.conf.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('pip', 'pip package indexes'),
  async collect(ctx) {
    const files = await readSystemAndUserFiles(ctx.fs, SYSTEM, PER_USER, ctx);
    if (files.length === 0) return sourceResult('pip', false, []);
    const parsed: { file: string; user: string; conf: PipConfig }[] = files.map((f) => ({
      file: f.path,
      user: f.user,
      conf: parsePipConf(f.text, (line, reason) => ctx.parseError(f.path, `line ${line}: ${reason}`)),
    }));
    // pip merges system and user files, so a host trusted anywhere is trusted for every index.
    const trusted = new Set(parsed.flatMap((p) => p.conf.trustedHosts));
    const sources: SourceInput[] = parsed.flatMap((p) =>
      p.conf.indexes.map((ix) => ({
        file: p.file,
        name: ix.section,
        url: ix.url,
        type: ix.key,
        enabled: true,
        // pip checks no signatures; only --require-hashes pins content.
        signed: 'unknown' as const,
        // trusted-host turns off TLS verification (and allows http) for that host.
        trusted: hostForms(ix.url).some((h) => h !== '' && trusted.has(h)),
        extra: { user: p.user, authenticated: hasUrlCredentials(ix.url) },
      })),
    );
    return sourceResult('pip', true, sources, { trusted_hosts: trusted.size, files: files.length });
  },
});
