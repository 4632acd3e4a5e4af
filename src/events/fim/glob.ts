/**
 * Globs of FIM paths, osquery style: `%` and `*` match within one path component,
 * `%%` and `**` match across components (any depth), `?` one character.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const next = glob[i + 1];
    if ((c === '%' && next === '%') || (c === '*' && next === '*')) {
      re += '.*';
      i++;
    } else if (c === '%' || c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function hasWildcard(p: string): boolean {
  return /[%*?]/.test(p);
}

/** The literal directory part of a path spec (`/etc/%%` → `/etc`), which is what gets watched. */
export function literalRoot(spec: string): string {
  if (!hasWildcard(spec)) return spec.length > 1 ? spec.replace(/\/+$/, '') : spec;
  const parts = spec.split('/');
  const lit: string[] = [];
  for (const p of parts) {
    if (hasWildcard(p)) break;
    lit.push(p);
  }
  return lit.join('/') || '/';
}

export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  private readonly scope: RegExp[];

  /** `scope`: the path specs themselves (a path is reported only below one of them). */
  constructor(include: string[], exclude: string[], scope: string[] = []) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
    this.scope = scope.map(globToRegExp);
  }

  /** Excluded paths (and everything below an excluded directory) are not watched at all. */
  excluded(p: string): boolean {
    return this.exclude.some((r) => r.test(p) || r.test(p + '/'));
  }

  /** Whether a change of this file is reported. */
  reported(p: string): boolean {
    if (this.excluded(p)) return false;
    if (this.scope.length > 0 && !this.scope.some((r) => r.test(p))) return false;
    return this.include.length === 0 || this.include.some((r) => r.test(p));
  }
}
