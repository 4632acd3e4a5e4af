import { numberedLines } from './common.js';

/** One `Keyword args…` line of sshd_config(5) or ssh_config(5); the keyword is lower-cased (keywords are case-insensitive). */
export interface SshConfigLine {
  line: number;
  keyword: string;
  args: string[];
}

/** Splits arguments on blanks, honouring double quotes; an unquoted word starting with "#" ends the line. */
export function splitArgs(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === '#') break;
    let word = '';
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) return null;
      word = s.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < s.length && !/\s/.test(s[i]!)) word += s[i++];
    }
    out.push(word);
  }
  return out;
}

/** Parses sshd_config / ssh_config text; Include, Match and Host are returned as lines like any other. */
export function parseSshConfig(text: string, onBad?: (line: number, reason: string) => void): SshConfigLine[] {
  const out: SshConfigLine[] = [];
  for (const [n, raw] of numberedLines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
    if (!m) {
      onBad?.(n, 'expected "Keyword value"');
      continue;
    }
    const args = splitArgs(m[2]!);
    if (args === null) {
      onBad?.(n, 'unterminated quote');
      continue;
    }
    if (args.length === 0) {
      onBad?.(n, `${m[1]} has no value`);
      continue;
    }
    out.push({ line: n, keyword: m[1]!.toLowerCase(), args });
  }
  return out;
}

/** Whether a file name matches a glob(7) pattern (`*`, `?`, `[…]`). */
export function globMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // A leading dot is only matched explicitly, as glob(3) does.
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  return new RegExp(`^${re}$`).test(name);
}

export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}
