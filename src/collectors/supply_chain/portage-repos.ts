import { defineCollector, MINUTE, SECOND } from '../types.js';
import { iniBool } from '../ini.parse.js';
import { isSecureTransport, readDropIns, sourceResult, sourceTables, type ConfigFile, type SourceInput } from './common.js';
import { mergeReposConf, portageSigned, type RepoSections } from './portage-repos.parse.js';

const SHIPPED = '/usr/share/portage/config/repos.conf';
const ETC = '/etc/portage/repos.conf';

export const portageRepos = defineCollector({
  name: 'portage_repos',
  area: 'supply_chain',
  description: 'Gentoo portage repositories from /etc/portage/repos.conf (file or directory) over the shipped defaults.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('portage', 'portage repositories'),
  async collect(ctx) {
    const files: ConfigFile[] = [];
    const shipped = await ctx.fs.readTextIfExists(SHIPPED);
    if (shipped !== null) files.push({ path: SHIPPED, text: shipped });
    const st = await ctx.fs.statIfExists(ETC);
    if (st?.isDirectory()) files.push(...(await readDropIns(ctx.fs, ETC, /[^~]$/)));
    else if (st) files.push({ path: ETC, text: await ctx.fs.readText(ETC) });
    if (files.length === 0) return sourceResult('portage', false, []);
    const repos: RepoSections = new Map();
    // Which file last set a repository's sync-uri (or defined it): the file column.
    const fileOf = new Map<string, string>();
    for (const f of files) {
      mergeReposConf(repos, f.text, (line, reason) => ctx.parseError(f.path, `line ${line}: ${reason}`));
      for (const name of repos.keys()) if (f.text.includes(`[${name}]`)) fileOf.set(name, f.path);
    }
    const sources: SourceInput[] = [];
    for (const [name, v] of repos) {
      if (name === 'DEFAULT') continue;
      const uri = v.get('sync-uri') ?? '';
      sources.push({
        file: fileOf.get(name) ?? ETC,
        name,
        url: uri,
        type: v.get('sync-type') ?? '',
        enabled: true,
        signed: portageSigned(v),
        trusted: false,
        secureTransport: uri === '' || isSecureTransport(uri),
        extra: { location: v.get('location') ?? '', auto_sync: iniBool(v.get('auto-sync')) ?? true },
      });
    }
    return sourceResult('portage', true, sources);
  },
});
