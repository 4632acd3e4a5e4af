import type { HostFs } from '../../host/hostfs.js';
import type { FactRow, TableSpec } from '../types.js';
import { uniqueRows } from '../toolkit/rows.js';

import { sha256Hex as sha256 } from '../../util/hash.js';

export { sha256 };

/** Lines without comments (`#` to end of line by default) and blank lines, with 1-based numbers. */
export function contentLines(text: string, comment: RegExp = /#.*$/): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.replace(comment, '').trim();
    if (t !== '') out.push({ line: i + 1, text: t });
  }
  return out;
}

export interface FileFacts {
  path: string;
  text: string;
  sha256: string;
  size: number;
  /** Modification time, Unix seconds. */
  mtime: number;
}

/** Reads a config file with its fingerprint; null when it does not exist. */
export async function readFileFacts(fs: HostFs, path: string): Promise<FileFacts | null> {
  const bytes = await fs.readBytesIfExists(path);
  if (bytes === null) return null;
  const st = await fs.stat(path);
  return { path, text: bytes.toString('utf8'), sha256: sha256(bytes), size: bytes.length, mtime: Math.floor(st.mtimeMs / 1000) };
}

/**
 * The regular files of a directory (links followed inside the root), sorted by name;
 * [] when the directory is missing. Backup and package-manager leftovers are skipped.
 */
export async function listFiles(fs: HostFs, rawDir: string, match: (name: string) => boolean = () => true): Promise<string[]> {
  const dir = rawDir.replace(/\/+$/, '') || '/';
  const out: string[] = [];
  for (const e of (await fs.readdirIfExists(dir)) ?? []) {
    if (e.name.startsWith('.') || /(~|\.dpkg-(old|dist|new|bak)|\.rpm(new|save|orig)|\.bak|\.swp)$/.test(e.name)) continue;
    if (!match(e.name)) continue;
    const path = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
    if (e.type === 'file') out.push(path);
    else if (e.type === 'symlink' && (await fs.statIfExists(path))?.isFile()) out.push(path);
  }
  return out;
}

/** One row of a `<collector>_risks` table: a risky setting found in a config file (never its value). */
export interface Risk {
  server: string;
  path: string;
  setting: string;
}

export function riskTable(name: string, what: string): TableSpec {
  return { name, key: ['server', 'path', 'setting'], description: `Risky settings of ${what}, one row per finding.`, drift: true };
}

export function riskRows(risks: Risk[]): FactRow[] {
  return uniqueRows(risks.map((r) => ({ server: r.server, path: r.path, setting: r.setting })), ['server', 'path', 'setting']);
}

/** The fingerprint table shared by collectors that hash whole files. */
export function fileTable(name: string, what: string): TableSpec {
  return { name, key: ['path'], description: `${what}: path, sha256, size and mtime.`, drift: true, volatile: ['mtime'] };
}

export function fileRow(f: FileFacts, extra: FactRow = {}): FactRow {
  return { path: f.path, sha256: f.sha256, size: f.size, mtime: f.mtime, ...extra };
}

export { uniqueRows as uniqueBy } from '../toolkit/rows.js';

/** The one-row `<collector>_file` table of collectors that read one long system table file. */
export function fileSummaryTable(collector: string): TableSpec {
  return {
    name: `${collector}_file`,
    key: ['path'],
    description: 'The file itself: entries, flagged entries, sha256, size, mtime.',
    drift: true,
    volatile: ['mtime'],
  };
}

export function fileSummary(f: FileFacts, entries: number, flagged = 0): FactRow {
  return { path: f.path, entries, flagged, sha256: f.sha256, size: f.size, mtime: f.mtime };
}
