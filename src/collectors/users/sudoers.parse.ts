import { numberedLines } from './common.js';

/** One statement of a sudoers(5) file, in file order. */
export type SudoersItem =
  | { kind: 'include'; line: number; path: string; dir: boolean }
  | { kind: 'defaults'; line: number; binding: string; target: string[]; params: string[] }
  | { kind: 'alias'; line: number; type: AliasType; name: string; members: string[] }
  | { kind: 'spec'; line: number; users: string[]; grants: SudoGrant[] };

export type AliasType = 'User' | 'Runas' | 'Host' | 'Cmnd';

/** One command of a user specification with the run-as and tags in force for it. */
export interface SudoGrant {
  hosts: string[];
  /** As written between the parentheses ("root", "ALL:ALL"); "root" when absent (sudo's runas_default). */
  runas: string;
  nopasswd: boolean;
  command: string;
}

const TAGS = /^(NOPASSWD|PASSWD|NOEXEC|EXEC|SETENV|NOSETENV|LOG_INPUT|NOLOG_INPUT|LOG_OUTPUT|NOLOG_OUTPUT|MAIL|NOMAIL|FOLLOW|NOFOLLOW|INTERCEPT|NOINTERCEPT)\s*:\s*/;
const OPTIONS = /^(ROLE|TYPE|TIMEOUT|CWD|CHROOT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)\s*=\s*("[^"]*"|\S+)\s*/;
const OPTION_OR_TAG_NAME = /^(ROLE|TYPE|TIMEOUT|CWD|CHROOT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS|NOPASSWD|PASSWD|NOEXEC|EXEC|SETENV|NOSETENV|LOG_INPUT|NOLOG_INPUT|LOG_OUTPUT|NOLOG_OUTPUT|MAIL|NOMAIL|FOLLOW|NOFOLLOW|INTERCEPT|NOINTERCEPT)$/;

/** Splits on a separator outside parentheses and double quotes, honouring backslash escapes. */
export function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0 && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** `#` starts a comment unless it introduces a uid (`#1000`) or an include directive. */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === '#' && !/\d/.test(line[i + 1] ?? '') && (i === 0 || /[\s,(=:!]/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** Joins backslash-continued lines; keeps the number of the first physical line. */
function logicalLines(text: string): [number, string][] {
  const out: [number, string][] = [];
  let pending: [number, string] | null = null;
  for (const [n, raw] of numberedLines(text)) {
    const cont = /\\$/.test(raw) && !/\\\\$/.test(raw);
    const body = cont ? raw.slice(0, -1) : raw;
    pending = pending ? [pending[0], pending[1] + ' ' + body] : [n, body];
    if (!cont) {
      out.push(pending);
      pending = null;
    }
  }
  if (pending) out.push(pending);
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t.replace(/\\(.)/g, '$1');
}

function parseGrants(rhs: string, firstHosts: string[]): SudoGrant[] | string {
  const grants: SudoGrant[] = [];
  let hosts = firstHosts;
  let runas = 'root';
  let nopasswd = false;
  const pending = splitTop(rhs, ',');
  while (pending.length > 0) {
    let piece = pending.shift()!;
    // "cmnd : host = cmnd" starts another host specification of the same user list.
    const next = /^(.*?)\s*:\s*([^\s=:()"]+)\s*=(?!=)\s*(.*)$/.exec(piece);
    let nextHosts: string[] | null = null;
    if (next && !OPTION_OR_TAG_NAME.test(next[2]!)) {
      piece = next[1]!;
      nextHosts = next[2]!.split(',');
      pending.unshift(next[3]!);
    }
    let rest = piece.trim();
    if (rest.startsWith('(')) {
      const end = rest.indexOf(')');
      if (end < 0) return 'unterminated run-as list';
      runas = rest.slice(1, end).replace(/\s+/g, '') || 'root';
      rest = rest.slice(end + 1).trim();
    }
    for (;;) {
      const t = TAGS.exec(rest) ?? OPTIONS.exec(rest);
      if (!t) break;
      if (t[1] === 'NOPASSWD') nopasswd = true;
      if (t[1] === 'PASSWD') nopasswd = false;
      rest = rest.slice(t[0].length);
    }
    if (rest === '' && nextHosts === null) return 'empty command';
    if (rest !== '') grants.push({ hosts, runas, nopasswd, command: rest.trim() });
    if (nextHosts) {
      hosts = nextHosts;
      runas = 'root';
      nopasswd = false;
    }
  }
  return grants;
}

/** Parses one sudoers(5) file into statements. Includes are returned, not followed (no I/O here). */
export function parseSudoers(text: string, onBad?: (line: number, reason: string) => void): SudoersItem[] {
  const items: SudoersItem[] = [];
  for (const [n, raw] of logicalLines(text)) {
    const inc = /^\s*[#@](include|includedir)\s+(.+?)\s*$/.exec(raw);
    if (inc) {
      items.push({ kind: 'include', line: n, path: unquote(inc[2]!), dir: inc[1] === 'includedir' });
      continue;
    }
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const def = /^Defaults([:@>!])?(\S*)\s*(.*)$/.exec(line);
    if (def) {
      items.push({
        kind: 'defaults',
        line: n,
        binding: def[1] ?? '',
        target: def[1] ? def[2]!.split(',').filter(Boolean) : [],
        params: splitTop(def[1] ? def[3]! : def[2]! + ' ' + def[3]!, ',').filter(Boolean),
      });
      continue;
    }
    const alias = /^(User|Runas|Host|Cmnd|Cmd)_Alias\s+(.*)$/.exec(line);
    if (alias) {
      const type = (alias[1] === 'Cmd' ? 'Cmnd' : alias[1]) as AliasType;
      for (const part of splitTop(alias[2]!, ':')) {
        const m = /^([A-Z][A-Z0-9_]*)\s*=\s*(.+)$/.exec(part);
        if (!m) {
          onBad?.(n, `bad ${type}_Alias definition`);
          continue;
        }
        items.push({ kind: 'alias', line: n, type, name: m[1]!, members: splitTop(m[2]!, ',').filter(Boolean) });
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      onBad?.(n, 'not a user specification, alias, Defaults or include');
      continue;
    }
    const lhs = line.slice(0, eq).replace(/\s*,\s*/g, ',').trim().split(/\s+/);
    if (lhs.length !== 2) {
      onBad?.(n, 'expected "users hosts = commands"');
      continue;
    }
    const grants = parseGrants(line.slice(eq + 1), lhs[1]!.split(','));
    if (typeof grants === 'string') {
      onBad?.(n, grants);
      continue;
    }
    items.push({ kind: 'spec', line: n, users: lhs[0]!.split(','), grants });
  }
  return items;
}

/** sudo skips includedir entries that end in "~" or contain "." (editor backups, .dpkg-old). */
export function includedirWanted(name: string): boolean {
  return !name.endsWith('~') && !name.includes('.');
}

/** Expands aliases of one type recursively; cycles stop expanding. */
export function expandAlias(items: string[], aliases: Map<string, string[]>, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const raw of items) {
    const neg = raw.startsWith('!');
    const name = neg ? raw.slice(1).trim() : raw;
    const members = aliases.get(name);
    if (members && seen.has(name)) continue; // a cycle: the alias adds nothing more
    if (members) {
      seen.add(name);
      // A negated alias negates each member; double negation cancels.
      for (const m of expandAlias(members, aliases, seen)) out.push(neg ? (m.startsWith('!') ? m.slice(1) : '!' + m) : m);
      seen.delete(name);
    } else out.push(raw);
  }
  return out;
}
