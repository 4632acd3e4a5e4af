import { contentLines } from './config-files.js';

/**
 * Canonical dotted name of a sysctl key, as sysctl.d(5) reads it: when the first
 * separator is "/", slashes separate and dots are literal (an interface "eth0.100"),
 * otherwise the reverse. Literal dots become "/" in the dotted form, like sysctl(8) prints them.
 */
export function canonicalKey(raw: string): string {
  const key = raw.trim().replace(/^\/+/, '');
  const firstSlash = key.indexOf('/');
  const firstDot = key.indexOf('.');
  if (firstSlash !== -1 && (firstDot === -1 || firstSlash < firstDot)) {
    return key.split('/').filter(Boolean).map((c) => c.replace(/\./g, '/')).join('.');
  }
  return key;
}

/** The /proc/sys path of a canonical dotted key. */
export function keyPath(key: string): string {
  return '/proc/sys/' + key.split('.').map((c) => c.replace(/\//g, '.')).join('/');
}

/** The canonical key of a path relative to /proc/sys ("net/ipv4/conf/eth0.100/rp_filter"). */
export function keyOfPath(relative: string): string {
  return canonicalKey('/' + relative);
}

/** Values compare with whitespace collapsed, as the kernel prints tabs where configs have spaces. */
export function normalizeValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

/** A single integer value as a number; anything else (lists, strings) is null. */
export function numericValue(v: string): number | null {
  return /^-?\d+$/.test(v) ? Number(v) : null;
}

export interface SysctlAssignment {
  key: string;
  value: string;
  line: number;
  /** `-key = value`: systemd-sysctl ignores a failure to set it. */
  ignoreErrors: boolean;
}

/** Parses one sysctl.d(5) file: `key = value` lines, `#` and `;` comments. */
export function parseSysctlConf(text: string, onBad?: (line: number, reason: string) => void): SysctlAssignment[] {
  const out: SysctlAssignment[] = [];
  for (const { no, text: line } of contentLines(text, '#;')) {
    const eq = line.indexOf('=');
    if (eq === -1) {
      onBad?.(no, 'expected key = value');
      continue;
    }
    let key = line.slice(0, eq).trim();
    const ignoreErrors = key.startsWith('-');
    if (ignoreErrors) key = key.slice(1).trim();
    if (key === '' || /\s/.test(key)) {
      onBad?.(no, 'bad key');
      continue;
    }
    out.push({ key: canonicalKey(key), value: normalizeValue(line.slice(eq + 1)), line: no, ignoreErrors });
  }
  return out;
}

/**
 * The sysctl.d directories, most important first. A file name in an earlier directory
 * hides the same name in later ones (an /etc override of a vendor file).
 */
export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
/** Read after every sysctl.d file by `sysctl --system` (procps), so its assignments win. */
export const SYSCTL_CONF = '/etc/sysctl.conf';

/** The files that apply, in the order they are applied: one per name, sorted by name. */
export function applicableFiles(listings: { dir: string; names: string[] }[]): string[] {
  const chosen = new Map<string, string>();
  for (const { dir, names } of listings) {
    for (const name of names) if (!chosen.has(name)) chosen.set(name, `${dir}/${name}`);
  }
  return [...chosen.keys()].sort().map((n) => chosen.get(n)!);
}

export interface EffectiveSetting extends SysctlAssignment {
  file: string;
}

/** The configured value of each key: later files and later lines win. */
export function effectiveSettings(files: { file: string; assignments: SysctlAssignment[] }[]): Map<string, EffectiveSetting> {
  const out = new Map<string, EffectiveSetting>();
  for (const { file, assignments } of files) for (const a of assignments) out.set(a.key, { ...a, file });
  return out;
}
