/** Gentoo's version syntax (PMS 3.2): 1.2.3b_rc1_p2-r1. */
const PF_RE = /^(.+?)-(\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)\d*)*(?:-r\d+)?)$/;

/** Splits a PF ("openssl-3.0.13-r1") into PN and PVR, or null when it has no valid version. */
export function splitPf(pf: string): { pn: string; pvr: string } | null {
  const m = PF_RE.exec(pf.trim());
  return m ? { pn: m[1]!, pvr: m[2]! } : null;
}

/** Atoms of the world set: `category/name` (a `:slot` or `::repo` suffix dropped). */
export function parseWorld(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    out.add(line.replace(/:.*$/, ''));
  }
  return out;
}

/** Entries of a package.* file or world file: non-empty lines that are not comments. */
export function countEntries(text: string): number {
  let n = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line && !line.startsWith('#')) n++;
  }
  return n;
}
