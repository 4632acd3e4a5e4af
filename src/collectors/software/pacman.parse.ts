/**
 * Parses a pacman local database `desc` file: `%SECTION%` headers, each followed
 * by value lines up to a blank line. Returns the values per section name.
 */
export function parsePacmanDesc(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      current = null;
      continue;
    }
    const m = /^%([A-Z0-9_]+)%$/.exec(line);
    if (m) {
      current = [];
      out.set(m[1]!, current);
    } else if (current) current.push(line);
  }
  return out;
}

export interface PacmanPackage {
  name: string;
  version: string;
  arch: string;
  installTime: number | null;
  /** %REASON% 1 means "installed as a dependency"; absent or 0 is explicit. */
  explicit: boolean;
}

/** The package of a desc file, or a reason why it is not one. */
export function pacmanPackage(desc: Map<string, string[]>): PacmanPackage | string {
  const name = desc.get('NAME')?.[0];
  const version = desc.get('VERSION')?.[0];
  if (!name) return 'no %NAME%';
  if (!version) return `${name}: no %VERSION%`;
  const date = desc.get('INSTALLDATE')?.[0];
  return {
    name,
    version,
    arch: desc.get('ARCH')?.[0] ?? '',
    installTime: date && /^\d+$/.test(date) ? Number(date) : null,
    explicit: desc.get('REASON')?.[0] !== '1',
  };
}
