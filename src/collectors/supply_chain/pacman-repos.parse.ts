export interface PacmanRepo {
  name: string;
  line: number;
  servers: string[];
  includes: string[];
  sigLevel: string | null;
}

export interface PacmanConf {
  /** The `[options]` SigLevel, the default of every repository. */
  sigLevel: string | null;
  repos: PacmanRepo[];
}

type OnBad = (line: number, reason: string) => void;

/** Every key of pacman.conf(5) sections, in order (Server and Include repeat, so no map). */
function sectionLines(text: string, onBad?: OnBad): { section: string; line: number; key: string; value: string }[] {
  const out: { section: string; line: number; key: string; value: string }[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.replace(/#.*$/, '').trim();
    if (t === '') continue;
    const h = /^\[([^\]]+)\]$/.exec(t);
    if (h) {
      section = h[1]!.trim();
      out.push({ section, line: i + 1, key: '', value: '' });
      continue;
    }
    const m = /^([A-Za-z]+)\s*(?:=\s*(.*))?$/.exec(t);
    if (!m) {
      onBad?.(i + 1, 'expected Key = value');
      continue;
    }
    out.push({ section, line: i + 1, key: m[1]!, value: (m[2] ?? '').trim() });
  }
  return out;
}

/** Parses pacman.conf(5): global SigLevel and the repository sections. */
export function parsePacmanConf(text: string, onBad?: OnBad): PacmanConf {
  const conf: PacmanConf = { sigLevel: null, repos: [] };
  let repo: PacmanRepo | null = null;
  for (const l of sectionLines(text, onBad)) {
    if (l.key === '') {
      repo = l.section === 'options' ? null : { name: l.section, line: l.line, servers: [], includes: [], sigLevel: null };
      if (repo) conf.repos.push(repo);
      continue;
    }
    if (l.section === '') {
      onBad?.(l.line, 'key outside of a section');
      continue;
    }
    if (!repo) {
      if (l.key === 'SigLevel') conf.sigLevel = l.value;
      continue;
    }
    if (l.key === 'Server') repo.servers.push(l.value);
    else if (l.key === 'Include') repo.includes.push(l.value);
    else if (l.key === 'SigLevel') repo.sigLevel = l.value;
  }
  return conf;
}

/** The `Server =` lines of a mirror list (commented ones are not used by pacman). */
export function parseMirrorlist(text: string): string[] {
  return sectionLines(text)
    .filter((l) => l.key === 'Server' && l.value !== '')
    .map((l) => l.value);
}

export type SigCheck = 'Never' | 'Optional' | 'Required';
export interface SigPolicy {
  package: SigCheck;
  database: SigCheck;
  packageTrust: 'TrustedOnly' | 'TrustAll';
}

/** pacman's compiled-in default: `Required DatabaseOptional`, TrustedOnly. */
const DEFAULT: SigPolicy = { package: 'Required', database: 'Optional', packageTrust: 'TrustedOnly' };

/**
 * The effective signature policy of a repository: the compiled default, changed by the
 * global SigLevel, changed by the repository's SigLevel (each token only changes what it names).
 */
export function resolveSigLevel(...levels: (string | null)[]): SigPolicy {
  const p = { ...DEFAULT };
  for (const level of levels) {
    for (const token of (level ?? '').split(/\s+/).filter(Boolean)) {
      const m = /^(Package|Database)?(Never|Optional|Required|TrustedOnly|TrustAll)$/.exec(token);
      if (!m) continue;
      const scope = m[1];
      const what = m[2]!;
      if (what === 'TrustedOnly' || what === 'TrustAll') {
        if (scope !== 'Database') p.packageTrust = what;
      } else {
        if (scope !== 'Database') p.package = what as SigCheck;
        if (scope !== 'Package') p.database = what as SigCheck;
      }
    }
  }
  return p;
}

