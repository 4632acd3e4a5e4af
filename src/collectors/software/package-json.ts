import type { CollectContext } from '../types.js';
import { parsePackageJson, type PackageJson } from './package-json.parse.js';

/** A package.json of an installed package; missing or malformed ones are counted and skipped. */
export async function readPackageJson(ctx: CollectContext, file: string): Promise<PackageJson | null> {
  const text = await ctx.fs.readTextIfExists(file);
  if (text === null) {
    ctx.parseError(file, 'missing');
    return null;
  }
  const p = parsePackageJson(text);
  if (typeof p === 'string') {
    ctx.parseError(file, p);
    return null;
  }
  return p;
}
