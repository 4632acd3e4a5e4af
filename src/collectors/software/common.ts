import { redactText } from '../../util/redact.js';
import type { CollectContext, FactRow, FactTable, OptionSpec, TableSpec } from '../types.js';

/**
 * Shared shape of every package-manager collector: a per-package drift table
 * (`packages`, feeding `hostbaseline_package_info`) and a one-row count table
 * (`package_count`, feeding `hostbaseline_packages`). The count comes from its
 * own table so it stays exact when the per-package series are capped.
 */
export interface PackageRow extends FactRow {
  manager: string;
  name: string;
  version: string;
  /** Empty when the manager has no architecture (python, npm) or the package has none. */
  arch: string;
  /** Site or node_modules directory for python/npm; empty for system package managers. */
  location: string;
}

export const PACKAGES_TABLE = 'packages';
export const PACKAGE_COUNT_TABLE = 'package_count';

export function packageTables(manager: string, key: string[], extra = ''): TableSpec[] {
  return [
    {
      name: PACKAGES_TABLE,
      key,
      description: `Installed ${manager} packages, one row each${extra ? `; ${extra}` : ''}.`,
      drift: true,
    },
    { name: PACKAGE_COUNT_TABLE, key: ['manager'], description: `Number of installed ${manager} packages (exact, never capped).` },
  ];
}

/**
 * Builds the two tables from package rows. Rows whose key repeats an earlier row's
 * key are dropped (a second `.dist-info` of the same name in one site dir), so the
 * key stays unique; the count reports what is reported.
 */
export function packageResult(manager: string, key: string[], rows: PackageRow[], extraTables: FactTable[] = []): FactTable[] {
  const seen = new Set<string>();
  const unique: PackageRow[] = [];
  for (const r of rows) {
    // Names and versions are free text in npm and python metadata: a URL in them never carries credentials out.
    r.name = redactText(r.name);
    r.version = redactText(r.version);
    const k = key.map((c) => String(r[c] ?? '')).join('\u0000');
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(r);
  }
  return [
    { name: PACKAGES_TABLE, rows: unique },
    { name: PACKAGE_COUNT_TABLE, rows: [{ manager, count: unique.length }] },
    ...extraTables,
  ];
}

/** A positive integer option bounding a directory walk. */
export function intOption(ctx: CollectContext, name: string): number {
  const v = ctx.options[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export const MAX_DIRS_OPTION: OptionSpec = {
  name: 'max_dirs',
  type: 'int',
  default: 5000,
  help: 'Most directories visited per refresh while looking for packages (bounds the walk on hosts with huge homes).',
};

/** Throws the abort reason when the collector's timeout has expired, so long walks stop early. */
export function checkAborted(ctx: CollectContext): void {
  if (ctx.signal.aborted) throw new Error('aborted: collector timeout expired');
}

/** Unix seconds from an integer text, or null. */
export function unixSeconds(text: string | undefined): number | null {
  if (!text || !/^\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}


/**
 * Reuses the previous refresh's result while the source files are unchanged
 * (same inode, size and mtime), so a large package database is parsed only when
 * it changes. A missing file is part of the signature too.
 */
export async function unlessUnchanged<T>(ctx: CollectContext, files: string[], compute: () => Promise<T>): Promise<T> {
  const parts: string[] = [];
  for (const f of files) {
    const st = await ctx.fs.statIfExists(f);
    parts.push(st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '-');
  }
  const signature = parts.join('|');
  const memo = ctx.memo.get('unchanged') as { signature: string; value: T } | undefined;
  if (memo && memo.signature === signature) return memo.value;
  const value = await compute();
  ctx.memo.set('unchanged', { signature, value });
  return value;
}
