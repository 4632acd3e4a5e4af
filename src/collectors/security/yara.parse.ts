export interface YaraMatch {
  rule: string;
  path: string;
}

/** `yara -r` output: one `RuleName /path/of/file` line per match (rule names have no spaces). */
export function parseYaraOutput(text: string, onBad?: (line: number, reason: string) => void): YaraMatch[] {
  const out: YaraMatch[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*) (\/.*)$/.exec(raw);
    if (!m) onBad?.(i + 1, 'expected "rule path"');
    else out.push({ rule: m[1]!, path: m[2]! });
  });
  return out;
}

/** Maps a path yara printed (on this machine) back to the host path it was given as. */
export function toHostPath(printed: string, realRoot: string, hostRoot: string): string | null {
  if (printed === realRoot) return hostRoot;
  const prefix = realRoot.endsWith('/') ? realRoot : realRoot + '/';
  if (!printed.startsWith(prefix)) return null;
  return (hostRoot === '/' ? '' : hostRoot) + '/' + printed.slice(prefix.length);
}
