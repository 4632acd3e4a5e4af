import { contentLines } from './common.js';

type OnBad = (line: number, reason: string) => void;

export interface LdSoConf {
  dirs: string[];
  /** `include` patterns, as written (may be relative to the including file's directory). */
  includes: string[];
}

/** Parses ld.so.conf(5): library directories, `include <glob>…` and obsolete `hwcap` lines. */
export function parseLdSoConf(text: string, onBad?: OnBad): LdSoConf {
  const conf: LdSoConf = { dirs: [], includes: [] };
  for (const { line, text: t } of contentLines(text)) {
    const words = t.split(/\s+/);
    if (words[0] === 'include') {
      if (words.length < 2) onBad?.(line, 'include without a pattern');
      conf.includes.push(...words.slice(1));
    } else if (words[0] === 'hwcap') {
      continue;
    } else {
      // Directories may be separated by spaces, tabs, commas or colons; "=TYPE" suffixes are libc5 relics.
      for (const d of t.split(/[\s,:]+/).filter(Boolean)) {
        const dir = d.replace(/=.*$/, '');
        if (!dir.startsWith('/')) onBad?.(line, 'library directory is not absolute');
        else conf.dirs.push(dir.replace(/\/+$/, '') || '/');
      }
    }
  }
  return conf;
}

/** Parses /etc/ld.so.preload: library paths separated by white space or ":", `#` comments. */
export function parseLdSoPreload(text: string): string[] {
  return contentLines(text).flatMap((l) => l.text.split(/[\s:]+/).filter(Boolean));
}

/** Library directories in places any user (or a download) can write to. */
export function isSuspiciousLibDir(dir: string): boolean {
  return /^\/(tmp|var\/tmp|dev\/shm|home|run\/user|var\/www)(\/|$)/.test(dir) || dir.includes('/.');
}
