import { defineCollector, MINUTE, SECOND } from '../types.js';
import { redactUrl } from '../../util/redact.js';
import { isSecureTransport, readDropIns, sourceResult, sourceTables, type ConfigFile, type SourceInput } from './common.js';
import { mainGpgcheck, parseRepoFile, type RepoDef } from './repo-file.parse.js';

/** dnf reads dnf.conf; yum reads yum.conf. Both may also hold repository sections. */
const MAIN_FILES = ['/etc/dnf/dnf.conf', '/etc/yum.conf'];

function toSource(file: string, r: RepoDef, defaultGpgcheck: boolean | null): SourceInput {
  const gpgcheck = r.gpgcheck ?? defaultGpgcheck;
  return {
    file,
    name: r.id,
    url: r.urls[0] ?? '',
    type: r.urlKind,
    enabled: r.enabled ?? true,
    // Neither the repository nor [main] says: dnf's built-in default differs by version, so unknown.
    signed: gpgcheck === null ? 'unknown' : gpgcheck ? 'true' : 'false',
    // sslverify=0 accepts any TLS certificate for this repository.
    trusted: r.sslverify === false,
    secureTransport: r.urls.every(isSecureTransport),
    extra: {
      repo_gpgcheck: r.repoGpgcheck ?? false,
      urls: r.urls.length,
      gpgkey: r.gpgkeys.map(redactUrl).join(' '),
    },
  };
}

export const yumRepos = defineCollector({
  name: 'yum_repos',
  area: 'supply_chain',
  description: 'yum/dnf repositories from /etc/yum.repos.d/*.repo, with the gpgcheck default of dnf.conf/yum.conf.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('yum', 'yum/dnf repositories'),
  async collect(ctx) {
    const mains: ConfigFile[] = [];
    for (const path of MAIN_FILES) {
      const text = await ctx.fs.readTextIfExists(path);
      if (text !== null) mains.push({ path, text });
    }
    const defaultGpgcheck = mains.map((m) => mainGpgcheck(m.text)).find((g) => g !== null) ?? null;
    const repoFiles = await readDropIns(ctx.fs, '/etc/yum.repos.d', '.repo');
    const sources: SourceInput[] = [];
    for (const f of [...mains, ...repoFiles]) {
      const onBad = (line: number, reason: string) => ctx.parseError(f.path, `line ${line}: ${reason}`);
      for (const r of parseRepoFile(f.text, onBad)) sources.push(toSource(f.path, r, defaultGpgcheck));
    }
    const present = repoFiles.length > 0 || mains.length > 0 || (await ctx.fs.exists('/etc/yum.repos.d'));
    return sourceResult('yum', present, sources, {
      default_gpgcheck: defaultGpgcheck === null ? 'unknown' : String(defaultGpgcheck),
    });
  },
});
