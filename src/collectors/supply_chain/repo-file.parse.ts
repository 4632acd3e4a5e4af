import { iniBool, parseIni } from '../ini.parse.js';
import { splitList } from './common.js';

/** A repository section of a yum/dnf or zypper `.repo` file. */
export interface RepoDef {
  id: string;
  line: number;
  /** baseurl values first, then mirrorlist and metalink. */
  urls: string[];
  /** Which key the first URL came from: baseurl, mirrorlist or metalink ("" when none). */
  urlKind: string;
  enabled: boolean | null;
  gpgcheck: boolean | null;
  repoGpgcheck: boolean | null;
  pkgGpgcheck: boolean | null;
  sslverify: boolean | null;
  autorefresh: boolean | null;
  type: string;
  gpgkeys: string[];
}

/**
 * Parses yum.repos.d(5)/zypper .repo INI text. Sections named in `skip` (`main`) are not
 * repositories. Continuation lines (a second baseurl on the next line) are joined.
 */
export function parseRepoFile(text: string, onBad?: (line: number, reason: string) => void, skip = ['main']): RepoDef[] {
  const out: RepoDef[] = [];
  for (const s of parseIni(text, onBad, { continuation: true })) {
    if (s.name === '') {
      onBad?.(1, 'keys outside of a [repository] section');
      continue;
    }
    if (skip.includes(s.name)) continue;
    const v = (k: string) => s.values.get(k);
    const base = splitList(v('baseurl'));
    const mirror = splitList(v('mirrorlist'));
    const meta = splitList(v('metalink'));
    const urlKind = base.length ? 'baseurl' : mirror.length ? 'mirrorlist' : meta.length ? 'metalink' : '';
    out.push({
      id: s.name,
      line: s.line,
      urls: [...base, ...mirror, ...meta],
      urlKind,
      enabled: iniBool(v('enabled')),
      gpgcheck: iniBool(v('gpgcheck')),
      repoGpgcheck: iniBool(v('repo_gpgcheck')),
      pkgGpgcheck: iniBool(v('pkg_gpgcheck')),
      sslverify: iniBool(v('sslverify')),
      autorefresh: iniBool(v('autorefresh')),
      type: v('type') ?? '',
      gpgkeys: splitList(v('gpgkey')),
    });
  }
  return out;
}

/** The `gpgcheck` of a yum.conf/dnf.conf `[main]` section, the default of every repository. */
export function mainGpgcheck(text: string): boolean | null {
  const main = parseIni(text).find((s) => s.name === 'main');
  return iniBool(main?.values.get('gpgcheck'));
}
