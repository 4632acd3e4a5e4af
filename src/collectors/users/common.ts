import { parsePasswd, type EntryLimit, type PasswdEntry } from '../../host/homes.js';
import type { CollectContext } from '../types.js';

/** Lines of a text file with their 1-based numbers; `\r` of CRLF files dropped. */
export function* numberedLines(text: string): Generator<[number, string]> {
  // One line at a time: a huge file never becomes an array of every line.
  let n = 0;
  for (let at = 0; ; ) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    yield [++n, text.slice(at, end).replace(/\r$/, '')];
    if (nl === -1) return;
    at = nl + 1;
  }
}

/**
 * The local accounts of /etc/passwd (null when the host has none); bad lines counted as parse
 * errors. At most `ctx.limits.rows` accounts are kept, uid 0 accounts always; the rest is
 * reported as capped.
 */
export async function readAccounts(ctx: CollectContext): Promise<PasswdEntry[] | null> {
  const text = await ctx.fs.readTextIfExists('/etc/passwd');
  if (text === null) return null;
  return parsePasswd(text, (line, reason) => ctx.parseError('/etc/passwd', `line ${line}: ${reason}`), accountLimit(ctx));
}

/** The bound of every passwd parse of a refresh: `limits.rows` accounts, uid 0 ones whatever the count. */
export function accountLimit(ctx: Pick<CollectContext, 'limits' | 'capped'>): EntryLimit<PasswdEntry> {
  return { max: ctx.limits.rows, keep: (e) => e.uid === 0, onCapped: (kept, total) => ctx.capped('/etc/passwd', kept, total) };
}

/** Account names only, without counting parse errors a second time (for collectors that merely look names up). */
export async function accountNames(ctx: Pick<CollectContext, 'fs' | 'limits' | 'capped'>): Promise<Set<string>> {
  const text = await ctx.fs.readTextIfExists('/etc/passwd');
  return new Set(text === null ? [] : parsePasswd(text, undefined, accountLimit(ctx)).map((e) => e.name));
}

/** Joins a host directory and a file name. */
export function joinHost(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Counts newline-terminated lines plus a final unterminated one, without keeping the text. */
export function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) n++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) n++;
  return n;
}
