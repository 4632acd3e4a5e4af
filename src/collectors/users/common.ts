import type { HostFs } from '../../host/hostfs.js';
import { parsePasswd, type PasswdEntry } from '../../host/homes.js';
import type { CollectContext } from '../types.js';

/** Lines of a text file with their 1-based numbers; `\r` of CRLF files dropped. */
export function* numberedLines(text: string): Generator<[number, string]> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) yield [i + 1, lines[i]!.replace(/\r$/, '')];
}

/** The local accounts of /etc/passwd (null when the host has none); bad lines counted as parse errors. */
export async function readAccounts(ctx: CollectContext): Promise<PasswdEntry[] | null> {
  const text = await ctx.fs.readTextIfExists('/etc/passwd');
  if (text === null) return null;
  return parsePasswd(text, (line, reason) => ctx.parseError('/etc/passwd', `line ${line}: ${reason}`));
}

/** Account names only, without counting parse errors a second time (for collectors that merely look names up). */
export async function accountNames(fs: HostFs): Promise<Set<string>> {
  const text = await fs.readTextIfExists('/etc/passwd');
  return new Set(text === null ? [] : parsePasswd(text).map((e) => e.name));
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
