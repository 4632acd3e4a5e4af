import { userHomes, type UserHome } from '../../host/homes.js';
import type { CollectContext } from '../types.js';

/** The user homes of the host (passwd entries with a home directory), read from the host on every call. */
export async function homesOf(ctx: CollectContext): Promise<UserHome[]> {
  return userHomes(ctx.fs, ctx);
}

/** Whether a host path is an existing directory (links followed inside the host root). */
export async function isDir(ctx: CollectContext, path: string): Promise<boolean> {
  const st = await ctx.fs.statIfExists(path);
  return st?.isDirectory() ?? false;
}

/** Subdirectories of a directory, links to directories included; [] when it does not exist. */
export async function subdirs(ctx: CollectContext, path: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await ctx.fs.readdirIfExists(path)) ?? []) {
    // A dangling or looping link is skipped: one bad link in a home must not hide every package.
    if (e.type === 'dir' || (e.type === 'symlink' && (await isDir(ctx, `${path}/${e.name}`).catch(() => false)))) out.push(e.name);
  }
  return out;
}

/** Names of directories never worth descending into while looking for environments (matched at any depth). */
const SKIP = new Set(['node_modules', '.git', '.cache', '.npm', '__pycache__', 'site-packages', 'dist-packages', 'Trash', 'proc', 'sys']);

/**
 * Breadth-first search below `roots` for directories holding `marker` (pyvenv.cfg),
 * without following links, at most `maxDepth` levels deep and `budget.left`
 * directories visited in all (shared across roots, so a huge home cannot stall the refresh).
 */
export async function findMarkedDirs(
  ctx: CollectContext,
  roots: string[],
  marker: string,
  maxDepth: number,
  budget: { left: number },
): Promise<string[]> {
  const found: string[] = [];
  let level = roots.map((r) => r);
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (budget.left <= 0 || ctx.signal.aborted) return found;
      budget.left--;
      let entries;
      try {
        entries = await ctx.fs.readdirIfExists(dir);
      } catch {
        continue; // an unreadable directory somewhere in a home is not this collector's failure
      }
      if (!entries) continue;
      if (entries.some((e) => e.name === marker && e.type === 'file')) {
        found.push(dir);
        continue; // an environment does not hold other environments worth finding
      }
      for (const e of entries) if (e.type === 'dir' && !SKIP.has(e.name)) next.push(`${dir === '/' ? '' : dir}/${e.name}`);
    }
    level = next;
  }
  return found;
}
