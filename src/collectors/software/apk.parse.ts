export interface ApkPackage {
  name: string;
  version: string;
  arch: string;
  /** o: the origin (source) package. */
  origin: string;
  /** t: build time, Unix seconds. */
  buildTime: number | null;
}

/**
 * Parses apk's installed database (/lib/apk/db/installed): records of `X:value`
 * lines separated by blank lines; P is the name, V the version, A the arch.
 * A record without P or V (a truncated file, garbage) is reported and skipped.
 */
export function parseApkInstalled(text: string, onBad?: (line: number, reason: string) => void): ApkPackage[] {
  const out: ApkPackage[] = [];
  let rec: Record<string, string> = {};
  let start = 0;
  let lines = 0;
  let bad = '';
  const finish = () => {
    if (lines > 0) {
      if (bad) onBad?.(start, bad);
      else if (!rec.P) onBad?.(start, 'record without P: (name)');
      else if (!rec.V) onBad?.(start, `${rec.P}: no V: (version)`);
      else
        out.push({
          name: rec.P,
          version: rec.V,
          arch: rec.A ?? '',
          origin: rec.o ?? '',
          buildTime: rec.t && /^\d+$/.test(rec.t) ? Number(rec.t) : null,
        });
    }
    rec = {};
    lines = 0;
    bad = '';
  };
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (lines++ === 0) start = i + 1;
    if (line.length < 2 || line[1] !== ':') {
      bad ||= `line ${i + 1}: expected "X:value"`;
      continue;
    }
    const k = line[0]!;
    // Only the first of each letter: F/R/Z lines repeat per file.
    if (!(k in rec)) rec[k] = line.slice(2);
  }
  finish();
  return out;
}
