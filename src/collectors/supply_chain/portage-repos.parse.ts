import { iniBool, parseIni } from '../ini.parse.js';

export type RepoSections = Map<string, Map<string, string>>;

/**
 * Merges repos.conf(5) INI text into `into`: a later file changes only the keys it sets,
 * as portage does (the shipped /usr/share/portage/config/repos.conf first, then /etc).
 */
export function mergeReposConf(into: RepoSections, text: string, onBad?: (line: number, reason: string) => void): RepoSections {
  for (const s of parseIni(text, onBad, { keepCase: true })) {
    if (s.name === '') {
      onBad?.(1, 'keys outside of a [repository] section');
      continue;
    }
    const m = into.get(s.name) ?? new Map<string, string>();
    for (const [k, v] of s.values) m.set(k, v);
    into.set(s.name, m);
  }
  return into;
}

/** The signature check a sync type uses, and whether it is on ("unknown" for a repository without sync). */
export function portageSigned(values: Map<string, string>): 'true' | 'false' | 'unknown' {
  const type = values.get('sync-type') ?? '';
  const key = {
    rsync: 'sync-rsync-verify-metamanifest',
    git: 'sync-git-verify-commit-signature',
    webrsync: 'sync-webrsync-verify-signature',
  }[type];
  if (type === '') return 'unknown';
  if (!key) return 'false'; // svn, mercurial, cvs, laymansync: no signature check
  return iniBool(values.get(key)) === true ? 'true' : 'false';
}
