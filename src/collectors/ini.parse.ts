/** One `[section]` of an INI file; keys are lower-cased, later duplicates win. */
export interface IniSection {
  name: string;
  /** Line number of the header (0 for keys before any header). */
  line: number;
  values: Map<string, string>;
}

export interface IniOptions {
  /** Indented lines continue the previous value (Python configparser, yum, pip). */
  continuation?: boolean;
  /** Characters that start a comment line. */
  comments?: string;
  /** Keep key case (portage, rabbitmq) instead of lower-casing. */
  keepCase?: boolean;
  /** A line without `=` is a bare key with the value "" (my.cnf `skip-grant-tables`). */
  bareKeys?: boolean;
}

/**
 * A tolerant INI parser for yum/dnf/zypper .repo, portage repos.conf, pip.conf, my.cnf,
 * Firefox profiles.ini and the Carbon Black sensor settings.
 * Keys before the first header land in a section named "". Bad lines are reported and skipped.
 */
export function parseIni(text: string, onBad?: (line: number, reason: string) => void, opts: IniOptions = {}): IniSection[] {
  const comments = opts.comments ?? '#;';
  const sections: IniSection[] = [];
  let current: IniSection = { name: '', line: 0, values: new Map() };
  sections.push(current);
  let lastKey: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '') {
      lastKey = null;
      continue;
    }
    if (comments.includes(trimmed[0]!)) continue;
    if (opts.continuation && lastKey !== null && /^\s/.test(raw)) {
      const prev = current.values.get(lastKey) ?? '';
      current.values.set(lastKey, prev === '' ? trimmed : `${prev}\n${trimmed}`);
      continue;
    }
    if (trimmed.startsWith('[')) {
      const m = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(trimmed);
      if (!m) {
        onBad?.(i + 1, 'unterminated section header');
        lastKey = null;
        continue;
      }
      current = { name: m[1]!.trim(), line: i + 1, values: new Map() };
      sections.push(current);
      lastKey = null;
      continue;
    }
    // "key: value" is configparser syntax too; the first separator splits, so URLs in values stay whole.
    const sep = trimmed.search(/[=:]/);
    if (sep <= 0) {
      if (opts.bareKeys && /^[A-Za-z0-9_.-]+$/.test(trimmed)) {
        const k = opts.keepCase ? trimmed : trimmed.toLowerCase();
        current.values.set(k, '');
        lastKey = null;
        continue;
      }
      onBad?.(i + 1, 'expected key = value');
      lastKey = null;
      continue;
    }
    let key = trimmed.slice(0, sep).trim();
    if (!opts.keepCase) key = key.toLowerCase();
    current.values.set(key, trimmed.slice(sep + 1).trim());
    lastKey = key;
  }
  return sections.filter((s) => s.name !== '' || s.values.size > 0);
}

/** yum/dnf/zypper/portage booleans: 1/0, yes/no, true/false, on/off. */
export function iniBool(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const s = v.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(s)) return true;
  if (['0', 'no', 'false', 'off'].includes(s)) return false;
  return null;
}
