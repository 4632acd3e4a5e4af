import { defineCollector, MINUTE, SECOND } from '../types.js';
import type { HostFs } from '../../host/hostfs.js';
import { isSecureTransport, sourceResult, sourceTables, type SourceInput } from './common.js';
import { parseMirrorlist, parsePacmanConf, resolveSigLevel } from './pacman-repos.parse.js';

const CONF = '/etc/pacman.conf';

/** Expands an Include path; pacman allows a glob in the file name (`/etc/pacman.d/*.conf`). */
async function includeFiles(fs: HostFs, pattern: string): Promise<string[]> {
  if (!pattern.includes('*') && !pattern.includes('?')) return [pattern];
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash) || '/';
  const re = new RegExp('^' + pattern.slice(slash + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return ((await fs.readdirIfExists(dir)) ?? []).filter((e) => re.test(e.name)).map((e) => `${dir}/${e.name}`);
}

export const pacmanRepos = defineCollector({
  name: 'pacman_repos',
  area: 'supply_chain',
  description: 'pacman repositories from /etc/pacman.conf with their mirror lists and SigLevel.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('pacman', 'pacman repositories'),
  async collect(ctx) {
    const text = await ctx.fs.readTextIfExists(CONF);
    if (text === null) return sourceResult('pacman', false, []);
    const conf = parsePacmanConf(text, (line, reason) => ctx.parseError(CONF, `line ${line}: ${reason}`));
    const mirrorCache = new Map<string, string[]>();
    const sources: SourceInput[] = [];
    let mirrorsTotal = 0;
    for (const repo of conf.repos) {
      const servers = [...repo.servers];
      for (const inc of repo.includes) {
        for (const file of await includeFiles(ctx.fs, inc)) {
          let list = mirrorCache.get(file);
          if (!list) {
            const t = await ctx.fs.readTextIfExists(file);
            if (t === null) ctx.parseError(CONF, `[${repo.name}]: Include ${file} does not exist`);
            mirrorCache.set(file, (list = t === null ? [] : parseMirrorlist(t)));
          }
          servers.push(...list);
        }
      }
      mirrorsTotal += servers.length;
      const policy = resolveSigLevel(conf.sigLevel, repo.sigLevel);
      sources.push({
        file: CONF,
        name: repo.name,
        url: servers[0] ?? '',
        type: 'pacman',
        enabled: true,
        signed: policy.package === 'Required' ? 'true' : 'false',
        trusted: policy.packageTrust === 'TrustAll',
        secureTransport: servers.every(isSecureTransport),
        extra: { mirrors: servers.length, siglevel: repo.sigLevel ?? conf.sigLevel ?? '', package_siglevel: policy.package },
      });
    }
    return sourceResult('pacman', true, sources, { mirrors: mirrorsTotal });
  },
});
