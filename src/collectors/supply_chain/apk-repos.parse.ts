export interface ApkRepo {
  url: string;
  /** `@edge` style tag: packages pinned to it come only from this repository. */
  tag: string;
  /** A commented-out repository line (`#https://…`) is kept as disabled. */
  enabled: boolean;
  line: number;
}

/** Parses /etc/apk/repositories: one `[@tag] url` per line, `#` comments. */
export function parseApkRepositories(text: string, onBad?: (line: number, reason: string) => void): ApkRepo[] {
  const out: ApkRepo[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let t = lines[i]!.trim();
    if (t === '') continue;
    let enabled = true;
    if (t.startsWith('#')) {
      t = t.replace(/^#+\s*/, '');
      // Only a commented-out repository is worth reporting, not prose.
      if (!/^(@\S+\s+)?([a-z][a-z0-9+.-]*:\/\/|\/)\S*$/i.test(t)) continue;
      enabled = false;
    }
    const words = t.split(/\s+/);
    let tag = '';
    if (words[0]!.startsWith('@')) tag = words.shift()!;
    if (words.length !== 1 || !/^([a-z][a-z0-9+.-]*:\/\/|\/)/i.test(words[0]!)) {
      onBad?.(i + 1, 'expected "[@tag] url"');
      continue;
    }
    out.push({ url: words[0]!, tag, enabled, line: i + 1 });
  }
  return out;
}
