/** A parsed unit file: section → key → values in order (a key may repeat; an empty value resets it). */
export type UnitFile = Map<string, Map<string, string[]>>;

export const UNIT_TYPES = ['service', 'socket', 'timer', 'target', 'path', 'mount', 'automount', 'swap', 'slice', 'scope', 'device'] as const;

/** The type of a unit name (`ssh.service` → `service`), or null when the name is not a unit. */
export function unitType(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const t = name.slice(dot + 1);
  return (UNIT_TYPES as readonly string[]).includes(t) ? t : null;
}

/** `getty@tty1.service` → `getty@.service`; other names are returned as they are. */
export function templateOf(name: string): string {
  return name.replace(/@[^.]*(\.[a-z]+)$/, '@$1');
}

/**
 * Parses systemd.unit(5) syntax: `[Section]` headers, `Key=value` lines, `#`/`;` comments,
 * backslash line continuations. Lines outside a section or without `=` are reported and skipped.
 */
export function parseUnitFile(text: string, onBad?: (line: number, reason: string) => void, into: UnitFile = new Map()): UnitFile {
  const lines = text.split('\n');
  let section: Map<string, string[]> | null = null;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i]!.trim();
      line = line.slice(0, -1) + ' ' + (next.startsWith('#') || next.startsWith(';') ? '' : next);
    }
    if (line.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(line);
      if (!m) {
        onBad?.(start + 1, 'bad section header');
        section = null;
        continue;
      }
      section = into.get(m[1]!) ?? new Map();
      into.set(m[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq <= 0) {
      onBad?.(start + 1, section ? 'expected Key=value' : 'setting outside a section');
      continue;
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') section.set(key, []); // "ExecStart=" clears earlier values (drop-ins rely on it)
    else section.set(key, [...(section.get(key) ?? []), value]);
  }
  return into;
}

export function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** The last value of a key, or '' (systemd: a later assignment wins for single-valued settings). */
export function unitValue(unit: UnitFile, section: string, key: string): string {
  const v = unitValues(unit, section, key);
  return v[v.length - 1] ?? '';
}

/** The program of an `ExecStart=` line, without its special prefixes (`-`, `@`, `:`, `+`, `!`, `!!`). */
export function execProgram(line: string): string {
  const first = line.trim().split(/\s+/)[0] ?? '';
  return first.replace(/^[-@:+!]+/, '').replace(/^(["'])(.*)\1$/, '$2');
}
