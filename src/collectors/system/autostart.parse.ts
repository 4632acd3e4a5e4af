/** The [Desktop Entry] group of a .desktop file (freedesktop Desktop Entry spec), unlocalized keys only. */
export function parseDesktopEntry(text: string, onBad?: (line: number, reason: string) => void): Record<string, string> | null {
  const out: Record<string, string> = {};
  let group = '';
  let sawGroup = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const g = /^\[(.+)\]$/.exec(line);
    if (g) {
      group = g[1]!;
      if (group === 'Desktop Entry') sawGroup = true;
      continue;
    }
    if (group !== 'Desktop Entry') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      onBad?.(i + 1, 'expected Key=Value');
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (key.includes('[')) continue; // Name[de]=…: localized copies
    if (!(key in out)) out[key] = line.slice(eq + 1).trim();
  }
  return sawGroup ? out : null;
}

/** Splits an Exec value into arguments (double quotes group, backslash escapes inside them). */
function execArgs(exec: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(exec); m; m = re.exec(exec)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return args;
}

/**
 * The program an Exec line starts; `env VAR=value prog` names `prog`. Only the program
 * is kept: arguments and environment values may hold tokens and stay on the host.
 */
export function execProgram(exec: string): string {
  const args = execArgs(exec);
  let i = 0;
  if (args[0] === 'env' || args[0] === '/usr/bin/env' || args[0] === '/bin/env') {
    i = 1;
    while (i < args.length && (args[i]!.includes('=') || args[i]!.startsWith('-'))) i++;
  }
  return args[i] ?? '';
}

/** Desktop Entry booleans are "true"/"false"; anything else counts as the default. */
export function desktopBool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : dflt;
}

export interface RcLink {
  runlevel: string;
  action: 'start' | 'kill';
  priority: number;
  script: string;
}

/** Parses an /etc/rc<level>.d entry name ("S01ssh", "K20cron"); null for README and others. */
export function parseRcLink(dir: string, name: string): RcLink | null {
  const level = /^rc([0-6S])\.d$/.exec(dir)?.[1];
  const m = /^([SK])(\d{2})(.+)$/.exec(name);
  if (!level || !m) return null;
  return { runlevel: level, action: m[1] === 'S' ? 'start' : 'kill', priority: Number(m[2]), script: m[3]! };
}
