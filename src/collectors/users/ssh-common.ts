import * as path from 'node:path';
import { userHomes } from '../../host/homes.js';
import type { CollectContext } from '../types.js';
import { joinHost } from './common.js';
import { globMatch, hasGlob, parseSshConfig } from './ssh-config.parse.js';

/** OpenSSH's READCONF_MAX_DEPTH / SERVCONF_MAX_DEPTH. */
const MAX_INCLUDE_DEPTH = 16;

/** Host paths matching a glob pattern, component by component, sorted as glob(3) sorts. */
export async function expandGlob(ctx: CollectContext, pattern: string): Promise<string[]> {
  if (!hasGlob(pattern)) return [pattern];
  let bases = ['/'];
  for (const part of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const base of bases) {
      if (!hasGlob(part)) {
        next.push(joinHost(base, part));
        continue;
      }
      for (const e of (await ctx.fs.readdirIfExists(base)) ?? []) if (globMatch(part, e.name)) next.push(joinHost(base, e.name));
    }
    bases = next;
  }
  return bases.sort();
}

/** A configuration line with where it comes from and the Match/Host block it belongs to (null: top level). */
export interface LoadedSshLine {
  file: string;
  line: number;
  keyword: string;
  args: string[];
  block: string | null;
}

export interface LoadedSshConfig {
  lines: LoadedSshLine[];
  files: string[];
  /** Match/Host lines seen (blocks that override the top level for some connections). */
  blocks: number;
}

/**
 * Reads an sshd_config or ssh_config with its Include directives (globs; relative paths
 * from `includeBase`: /etc/ssh, or ~/.ssh for a user's config). `blockKeywords` open a
 * block (sshd: match; ssh: host, match); a block opened in an included file ends with it.
 * Returns null when the main file does not exist.
 */
export async function loadSshConfig(
  ctx: CollectContext,
  file: string,
  includeBase: string,
  blockKeywords: string[],
  onBad: (file: string, reason: string) => void,
): Promise<LoadedSshConfig | null> {
  const out: LoadedSshConfig = { lines: [], files: [], blocks: 0 };
  const visit = async (f: string, block: string | null, chain: string[]): Promise<boolean> => {
    const text = await ctx.fs.readTextIfExists(f);
    if (text === null) return false;
    out.files.push(f);
    let current = block;
    for (const l of parseSshConfig(text, (line, reason) => onBad(f, `line ${line}: ${reason}`))) {
      if (blockKeywords.includes(l.keyword)) {
        // "Match all" / "Host *" return to settings that apply to every connection.
        const criteria = l.args.join(' ');
        out.blocks++;
        current = criteria.toLowerCase() === 'all' || criteria === '*' ? null : `${l.keyword} ${criteria}`;
        continue;
      }
      if (l.keyword === 'include') {
        for (const arg of l.args) {
          const abs = arg.startsWith('/') ? arg : arg.startsWith('~') ? arg : path.posix.join(includeBase, arg);
          if (abs.startsWith('~')) continue; // ~ of the running user: not meaningful for a host root
          for (const target of await expandGlob(ctx, abs)) {
            const c = await ctx.fs.canonical(target);
            if (chain.includes(c) || chain.length >= MAX_INCLUDE_DEPTH) {
              onBad(f, `line ${l.line}: include loop or too deep through ${target}`);
              continue;
            }
            // A missing non-glob include is ignored by ssh too (it is only an error for sshd -t).
            await visit(target, current, [...chain, c]);
          }
        }
        continue;
      }
      out.lines.push({ file: f, line: l.line, keyword: l.keyword, args: l.args, block: current });
    }
    return true;
  };
  const found = await visit(file, null, [await ctx.fs.canonical(file)]);
  return found ? out : null;
}

/** The effective top-level value of each keyword: the first one outside any Match/Host block wins. */
export function firstTopLevel(lines: LoadedSshLine[]): Map<string, LoadedSshLine> {
  const out = new Map<string, LoadedSshLine>();
  for (const l of lines) if (l.block === null && !out.has(l.keyword)) out.set(l.keyword, l);
  return out;
}

/** Each user's ~/.ssh directory that exists (homes from /etc/passwd and /home). */
export async function userSshDirs(ctx: CollectContext): Promise<{ user: string; dir: string }[]> {
  const out: { user: string; dir: string }[] = [];
  for (const h of await userHomes(ctx.fs, ctx)) {
    const dir = joinHost(h.home, '.ssh');
    if ((await ctx.fs.statIfExists(dir))?.isDirectory()) out.push({ user: h.user, dir });
  }
  return out;
}
