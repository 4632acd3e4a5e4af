import type { HostFs } from '../../host/hostfs.js';

export { sha256Hex } from '../../util/hash.js';

export interface ContentLine {
  /** 1-based line number, for parse-error messages. */
  no: number;
  text: string;
}

/** Trimmed lines that are neither blank nor comments (`#` by default). */
export function contentLines(text: string, commentChars = '#'): ContentLine[] {
  const out: ContentLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || commentChars.includes(t[0]!)) continue;
    out.push({ no: i + 1, text: t });
  }
  return out;
}

/**
 * Names of the configuration files of a drop-in directory (`*.conf`), sorted.
 * Subdirectories are not configuration files and are skipped, as the tools that
 * read these directories do; a missing directory is an empty list.
 */
export async function dropInFiles(fs: HostFs, dir: string, suffix: string): Promise<string[]> {
  const entries = (await fs.readdirIfExists(dir)) ?? [];
  return entries.filter((e) => e.type !== 'dir' && e.name.endsWith(suffix) && !e.name.startsWith('.')).map((e) => e.name);
}
