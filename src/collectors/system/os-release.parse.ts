/** Parses os-release(5): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string, onBadLine?: (line: number, reason: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) {
      onBadLine?.(i + 1, 'expected KEY=value');
      continue;
    }
    let v = m[2]!;
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\([$"`\\])/g, '$1');
    } else if (q === '"' || q === "'") {
      onBadLine?.(i + 1, 'unterminated quote');
      continue;
    }
    out[m[1]!] = v;
  }
  return out;
}
