import type { HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { listFiles } from './common.js';
import { isSuspiciousLibDir, parseLdSoConf, parseLdSoPreload } from './ld-so.parse.js';

const CONF = '/etc/ld.so.conf';
const PRELOAD = '/etc/ld.so.preload';
/** glibc gives up on deeper include nesting; so do we (it also stops include cycles). */
const MAX_DEPTH = 8;

/** Expands an include pattern; a glob is supported in the file name only (as every distribution uses it). */
async function expand(fs: HostFs, pattern: string, from: string): Promise<string[] | null> {
  const abs = pattern.startsWith('/') ? pattern : `${from.slice(0, from.lastIndexOf('/')) || ''}/${pattern}`;
  const slash = abs.lastIndexOf('/');
  const dir = abs.slice(0, slash) || '/';
  const base = abs.slice(slash + 1);
  if (/[*?[]/.test(dir)) return null;
  if (!/[*?[]/.test(base)) return (await fs.statIfExists(abs)) ? [abs] : [];
  const re = new RegExp('^' + base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return listFiles(fs, dir, (n) => re.test(n));
}

async function readConf(ctx: CollectContext, file: string, depth: number, seen: Set<string>, rows: FactRow[]): Promise<void> {
  if (seen.has(file)) return;
  seen.add(file);
  const text = await ctx.fs.readTextIfExists(file);
  if (text === null) return;
  const conf = parseLdSoConf(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`));
  for (const dir of conf.dirs) rows.push({ dir, file, suspicious: isSuspiciousLibDir(dir) });
  for (const pattern of conf.includes) {
    if (depth >= MAX_DEPTH) {
      ctx.parseError(file, `include ${pattern}: nested too deep`);
      continue;
    }
    const files = await expand(ctx.fs, pattern, file);
    if (files === null) ctx.parseError(file, `include ${pattern}: glob in a directory name is not supported`);
    for (const f of files ?? []) await readConf(ctx, f, depth + 1, seen, rows);
  }
}

export const ldSo = defineCollector({
  name: 'ld_so',
  area: 'configuration',
  description: 'Dynamic linker search path (/etc/ld.so.conf with includes) and /etc/ld.so.preload; any preload is flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'ld_so_dirs',
      key: ['dir', 'file'],
      description: 'Library directories and the file that adds them; `suspicious` for user-writable places.',
      drift: true,
    },
    { name: 'ld_so_preload', key: ['library'], description: 'Libraries of /etc/ld.so.preload, loaded into every program.', drift: true },
    { name: 'ld_so_summary', key: [], description: 'Counts: library directories, suspicious directories, preload entries.' },
  ],
  async collect(ctx) {
    const dirs: FactRow[] = [];
    await readConf(ctx, CONF, 0, new Set(), dirs);
    const preloadText = await ctx.fs.readTextIfExists(PRELOAD);
    const preload: FactRow[] = [];
    for (const library of new Set(parseLdSoPreload(preloadText ?? ''))) {
      const st = library.startsWith('/') ? await ctx.fs.statIfExists(library).catch(() => null) : null;
      preload.push({ library, exists: st?.isFile() ?? false });
    }
    const present = dirs.length > 0 || preloadText !== null || (await ctx.fs.exists(CONF));
    const unique = [...new Map(dirs.map((d) => [`${d.dir}\0${d.file}`, d])).values()];
    return [
      { name: 'ld_so_dirs', rows: unique },
      { name: 'ld_so_preload', rows: preload },
      {
        name: 'ld_so_summary',
        rows: present
          ? [{ dirs: unique.length, suspicious_dirs: unique.filter((d) => d.suspicious).length, preload_entries: preload.length, preload_file: preloadText !== null }]
          : [],
      },
    ];
  },
});
