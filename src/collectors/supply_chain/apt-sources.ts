import { defineCollector, MINUTE, SECOND } from '../types.js';
import { aptYes, parseDeb822Sources, parseOneLineSources, type AptEntry } from './apt-sources.parse.js';
import { readDropIns, sourceResult, sourceTables, type SourceInput } from './common.js';

const DIR = '/etc/apt/sources.list.d';

/** apt verifies every repository unless it is marked trusted or allows insecure access. */
function toSource(file: string, e: AptEntry): SourceInput {
  const trusted = aptYes(e.options.trusted);
  const insecure = aptYes(e.options['allow-insecure']) || aptYes(e.options['allow-weak']);
  return {
    file,
    name: e.suite,
    url: e.uri,
    type: e.type,
    enabled: e.enabled,
    signed: trusted || insecure ? 'false' : 'true',
    trusted,
    extra: {
      components: e.components.join(' '),
      arch: e.options.architectures ?? e.options.arch ?? '',
      signed_by: e.options['signed-by'] ?? '',
    },
  };
}

export const aptSources = defineCollector({
  name: 'apt_sources',
  area: 'supply_chain',
  description: 'apt repositories from sources.list, sources.list.d/*.list and deb822 *.sources.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: sourceTables('apt', 'apt repositories'),
  async collect(ctx) {
    const sources: SourceInput[] = [];
    const onBad = (file: string) => (line: number, reason: string) => ctx.parseError(file, `line ${line}: ${reason}`);
    const main = await ctx.fs.readTextIfExists('/etc/apt/sources.list');
    const files = [
      ...(main === null ? [] : [{ path: '/etc/apt/sources.list', text: main }]),
      ...(await readDropIns(ctx.fs, DIR, '.list')),
    ];
    for (const f of files) for (const e of parseOneLineSources(f.text, onBad(f.path))) sources.push(toSource(f.path, e));
    const deb822 = await readDropIns(ctx.fs, DIR, '.sources');
    for (const f of deb822)
      for (const e of parseDeb822Sources(f.text, onBad(f.path))) sources.push(toSource(f.path, e));
    // Downloaded index files: none at all on a host that has sources means `apt update` never ran.
    const lists = await ctx.fs.readdirIfExists('/var/lib/apt/lists');
    const listFiles = (lists ?? []).filter((e) => e.type === 'file' && e.name !== 'lock' && !e.name.startsWith('.')).length;
    const present = files.length + deb822.length > 0 || lists !== null;
    return sourceResult('apt', present, sources, { list_files: listFiles });
  },
});
