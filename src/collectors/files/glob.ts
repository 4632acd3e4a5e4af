import type { HostFs } from '../../host/hostfs.js';

const GLOB_CHARS = /[*?[]/;

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** A path glob as a RegExp: `**` spans directories, `*` and `?` stay within one name, `[…]` is a class. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // "/**/" also matches a single "/" (zero directories).
        if (pattern[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i++;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Compiles exclude globs; a directory pattern also excludes everything below it. */
export function excludeMatcher(patterns: string[]): (path: string) => boolean {
  const res = patterns.map(globToRegExp);
  return (p) => res.some((re) => re.test(p));
}

/**
 * Host paths matching a glob (`/home/*\/.ssh/authorized_keys`, `/opt/**\/*.so`), found by listing
 * directories from the literal prefix down. Bounded: at most `maxDepth` levels below the prefix
 * and `maxMatches` results. Symbolic links to directories are not descended.
 */
export async function expandGlob(fs: HostFs, pattern: string, maxDepth = 16, maxMatches = 100_000): Promise<string[]> {
  const parts = pattern.split('/').filter(Boolean);
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  if (firstGlob < 0) return [pattern];
  const prefix = '/' + parts.slice(0, firstGlob).join('/');
  const depth = parts.slice(firstGlob).includes('**') ? maxDepth : parts.length - firstGlob;
  const re = globToRegExp('/' + parts.join('/'));
  const out: string[] = [];
  const visit = async (dir: string, level: number): Promise<void> => {
    if (level >= depth || out.length >= maxMatches) return;
    const entries = await fs.readdirIfExists(dir).catch(() => null);
    for (const e of entries ?? []) {
      const p = `${dir === '/' ? '' : dir}/${e.name}`;
      if (re.test(p)) out.push(p);
      if (e.type === 'dir') await visit(p, level + 1);
    }
  };
  await visit(prefix, 0);
  return out.slice(0, maxMatches);
}
