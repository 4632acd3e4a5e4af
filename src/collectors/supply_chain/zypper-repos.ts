import { defineCollector, MINUTE, SECOND } from '../types.js';
import { isSecureTransport, readDropIns, sourceResult, sourceTables, type SourceInput } from './common.js';
import { parseRepoFile } from './repo-file.parse.js';

export const zypperRepos = defineCollector({
  name: 'zypper_repos',
  area: 'supply_chain',
  description: 'zypper repositories from /etc/zypp/repos.d/*.repo.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('zypper', 'zypper repositories'),
  async collect(ctx) {
    const files = await readDropIns(ctx.fs, '/etc/zypp/repos.d', '.repo');
    const sources: SourceInput[] = [];
    for (const f of files) {
      const onBad = (line: number, reason: string) => ctx.parseError(f.path, `line ${line}: ${reason}`);
      for (const r of parseRepoFile(f.text, onBad, [])) {
        // zypper checks signatures unless gpgcheck=0 (or both repo_ and pkg_gpgcheck are off).
        const off = r.gpgcheck === false || (r.repoGpgcheck === false && r.pkgGpgcheck === false);
        sources.push({
          file: f.path,
          name: r.id,
          url: r.urls[0] ?? '',
          type: r.type,
          enabled: r.enabled ?? true,
          signed: off ? 'false' : 'true',
          trusted: false,
          secureTransport: r.urls.every(isSecureTransport),
          extra: { autorefresh: r.autorefresh ?? false },
        });
      }
    }
    const present = files.length > 0 || (await ctx.fs.exists('/etc/zypp/repos.d'));
    return sourceResult('zypper', present, sources);
  },
});
