import { parseIni } from '../ini.parse.js';
import { splitList } from './common.js';

export interface PipIndex {
  /** The pip.conf section: global, install, download… */
  section: string;
  /** index-url, extra-index-url or find-links. */
  key: string;
  /** Raw URL: credentials are still in it, callers sanitize. */
  url: string;
}

export interface PipConfig {
  indexes: PipIndex[];
  trustedHosts: string[];
}

const URL_KEYS = ['index-url', 'extra-index-url', 'find-links'];

/** Parses pip.conf (configparser INI; multi-line values list one URL per line). */
export function parsePipConf(text: string, onBad?: (line: number, reason: string) => void): PipConfig {
  const conf: PipConfig = { indexes: [], trustedHosts: [] };
  for (const s of parseIni(text, onBad, { continuation: true })) {
    for (const [rawKey, value] of s.values) {
      const key = rawKey.replace(/_/g, '-'); // pip accepts index_url as well
      if (URL_KEYS.includes(key)) for (const url of splitList(value)) conf.indexes.push({ section: s.name, key, url });
      else if (key === 'trusted-host') conf.trustedHosts.push(...splitList(value).map((h) => h.toLowerCase()));
    }
  }
  return conf;
}
