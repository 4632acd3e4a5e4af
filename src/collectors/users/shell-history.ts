import * as path from 'node:path';
import { userHomes } from '../../host/homes.js';
import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { countLines, joinHost } from './common.js';

/** History files of shells and REPLs, relative to the home directory. */
export const HISTORY_FILES = [
  '.bash_history',
  '.zsh_history',
  '.zhistory',
  '.history',
  '.sh_history',
  '.ash_history',
  '.local/share/fish/fish_history',
  '.python_history',
  '.mysql_history',
  '.psql_history',
  '.sqlite_history',
  '.node_repl_history',
  '.rediscli_history',
];

/** macOS-style per-session bash history, also seen on Linux with Terminal-like setups. */
const SESSION_DIR = '.bash_sessions';

interface Candidate {
  user: string;
  file: string;
}

async function candidates(ctx: CollectContext): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const h of await userHomes(ctx.fs, ctx)) {
    for (const rel of HISTORY_FILES) out.push({ user: h.user, file: joinHost(h.home, rel) });
    const sessions = joinHost(h.home, SESSION_DIR);
    for (const e of (await ctx.fs.readdirIfExists(sessions)) ?? []) {
      if (e.name.endsWith('.history')) out.push({ user: h.user, file: joinHost(sessions, e.name) });
    }
  }
  return out;
}

export const shellHistory = defineCollector({
  name: 'shell_history',
  area: 'users',
  description: 'Shell and REPL history files per user: line counts, sizes, mtime, and histories linked to /dev/null. Contents never leave the host.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    {
      name: 'shell_history',
      key: ['user', 'file'],
      description: 'One row per history file (the lines are counted, never kept).',
      volatile: ['lines', 'size_bytes', 'mtime_seconds'],
    },
  ],
  async collect(ctx) {
    const rows: FactRow[] = [];
    for (const { user, file } of await candidates(ctx)) {
      if (ctx.signal.aborted) break;
      let st;
      try {
        st = await ctx.fs.lstat(file);
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'ENOTDIR') continue;
        throw err;
      }
      // A history linked to /dev/null is a classic way to leave no trace.
      if (st.isSymbolicLink()) {
        const target = path.posix.resolve(path.posix.dirname(file), await ctx.fs.readlink(file));
        if (target === '/dev/null') {
          rows.push({ user, file, lines: 0, size_bytes: 0, mtime_seconds: null, to_dev_null: true });
          continue;
        }
      }
      const real = await ctx.fs.statIfExists(file);
      if (!real?.isFile()) continue;
      const bytes = await ctx.fs.readBytes(file);
      rows.push({
        user,
        file,
        lines: countLines(bytes),
        size_bytes: bytes.length,
        mtime_seconds: Math.floor(real.mtimeMs / 1000),
        to_dev_null: false,
      });
      bytes.fill(0); // the contents are not needed any more
    }
    return [{ name: 'shell_history', rows }];
  },
});
