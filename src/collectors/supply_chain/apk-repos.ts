import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readDropIns, sourceResult, sourceTables, type ConfigFile, type SourceInput } from './common.js';
import { parseApkRepositories } from './apk-repos.parse.js';

const MAIN = '/etc/apk/repositories';

export const apkRepos = defineCollector({
  name: 'apk_repos',
  area: 'supply_chain',
  description: 'Alpine apk repositories from /etc/apk/repositories (and repositories.d), with the count of trusted keys.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('apk', 'apk repositories'),
  async collect(ctx) {
    const main = await ctx.fs.readTextIfExists(MAIN);
    const files: ConfigFile[] = [
      ...(main === null ? [] : [{ path: MAIN, text: main }]),
      ...(await readDropIns(ctx.fs, '/etc/apk/repositories.d', '.list')),
    ];
    const keys = await ctx.fs.readdirIfExists('/etc/apk/keys');
    if (files.length === 0 && keys === null) return sourceResult('apk', false, []);
    const sources: SourceInput[] = [];
    for (const f of files) {
      const onBad = (line: number, reason: string) => ctx.parseError(f.path, `line ${line}: ${reason}`);
      for (const r of parseApkRepositories(f.text, onBad)) {
        // apk refuses packages not signed by a key in /etc/apk/keys (unless run with --allow-untrusted).
        sources.push({ file: f.path, name: r.tag, url: r.url, type: 'apk', enabled: r.enabled, signed: 'true', trusted: false, extra: { tag: r.tag } });
      }
    }
    const keyCount = (keys ?? []).filter((e) => e.type === 'file' || e.type === 'symlink').length;
    return sourceResult('apk', true, sources, { keys: keyCount });
  },
});
