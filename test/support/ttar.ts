import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where Debian's golang-github-prometheus-procfs-dev puts prometheus/procfs's fixture tree. */
export const PROCFS_TTAR = '/usr/share/gocode/src/github.com/prometheus/procfs/testdata/fixtures.ttar';

/**
 * Extracts a ttar archive (prometheus/procfs's plain-text tar) into `dest`.
 * Records are `Directory: p` / `Path: p` + `Lines: n` + n lines / `SymlinkTo: t`, each
 * optionally followed by `Mode: octal`. In content lines `NULLBYTE` is a NUL byte and a
 * trailing `EOF` means the line has no newline; a backslash escapes either word.
 * Bytes pass through unchanged (latin1 both ways).
 */
export function extractTtar(archive: string, dest: string): string[] {
  const lines = readFileSync(archive, 'latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const written: string[] = [];
  const inside = (p: string) => {
    const full = path.resolve(dest, p);
    if (full !== dest && !full.startsWith(dest + path.sep)) throw new Error(`ttar ${archive}: path ${p} leaves the destination`);
    return full;
  };
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^(Directory|Path|Lines|Mode|SymlinkTo): (.*)$/.exec(line);
    if (!m) {
      if (line.startsWith('#')) continue;
      throw new Error(`ttar ${archive}:${i + 1}: unknown record ${JSON.stringify(line.slice(0, 60))}`);
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'Directory') {
      current = inside(value);
      mkdirSync(current, { recursive: true });
    } else if (key === 'Path') {
      current = inside(value);
      mkdirSync(path.dirname(current), { recursive: true });
    } else if (key === 'SymlinkTo') {
      symlinkSync(value, current);
      written.push(current);
    } else if (key === 'Mode') {
      chmodSync(current, parseInt(value, 8));
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || i + n >= lines.length + 1) throw new Error(`ttar ${archive}:${i + 1}: bad line count ${value}`);
      let body = '';
      for (const content of lines.slice(i + 1, i + 1 + n)) body += decodeLine(content);
      i += n;
      writeFileSync(current, Buffer.from(body, 'latin1'));
      written.push(current);
    }
  }
  return written;
}

/** One content line: NULLBYTE → NUL, `\NULLBYTE` → NULLBYTE, a trailing EOF drops the newline. */
function decodeLine(line: string): string {
  const noNewline = /[^\\]EOF/.test(line);
  const decoded = line
    .replace(/(?<!\\)NULLBYTE/g, '\0')
    .replace(/\\NULLBYTE/g, 'NULLBYTE')
    .replace(/(?<=[^\\])EOF/g, '')
    .replace(/\\EOF/g, 'EOF');
  return noNewline ? decoded : decoded + '\n';
}
