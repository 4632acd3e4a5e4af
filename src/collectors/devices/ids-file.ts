import type { CollectContext } from '../types.js';
import { parseIds, type IdsDatabase } from './ids.parse.js';

/** pci.ids is about 1.3 MB; usb.ids about 0.7 MB. */
const IDS_MAX_BYTES = 16 * 1024 * 1024;

export interface IdsFile {
  file: string;
  db: IdsDatabase;
}

/**
 * The first ids file of `candidates` the host has, parsed for the vendors present and
 * kept in the collector's memo until the file (size, mtime) or the vendor set changes.
 */
export async function loadIds(ctx: CollectContext, candidates: string[], vendors: ReadonlySet<string>): Promise<IdsFile | null> {
  for (const file of candidates) {
    const st = await ctx.fs.statIfExists(file);
    if (!st?.isFile()) continue;
    const memoKey = `ids:${file}`;
    const stamp = `${st.mtimeMs}:${st.size}:${[...vendors].sort().join(',')}`;
    const cached = ctx.memo.get(memoKey) as { stamp: string; db: IdsDatabase } | undefined;
    if (cached?.stamp === stamp) return { file, db: cached.db };
    const db = parseIds(await ctx.fs.readText(file, { maxBytes: IDS_MAX_BYTES }), vendors);
    ctx.memo.set(memoKey, { stamp, db });
    return { file, db };
  }
  return null;
}
