/** The LSB comment block of an init script (`### BEGIN INIT INFO` … `### END INIT INFO`). */
export interface LsbHeader {
  provides: string[];
  requiredStart: string[];
  defaultStart: string[];
  defaultStop: string[];
  shortDescription: string;
}

const FIELDS: Record<string, keyof LsbHeader> = {
  provides: 'provides',
  'required-start': 'requiredStart',
  'default-start': 'defaultStart',
  'default-stop': 'defaultStop',
  'short-description': 'shortDescription',
};

/** Parses the LSB header of an init script; null when the script has none (or never closes it). */
export function parseLsbHeader(text: string): LsbHeader | null {
  const begin = text.indexOf('### BEGIN INIT INFO');
  if (begin < 0) return null;
  const end = text.indexOf('### END INIT INFO', begin);
  if (end < 0) return null;
  const out: LsbHeader = { provides: [], requiredStart: [], defaultStart: [], defaultStop: [], shortDescription: '' };
  for (const raw of text.slice(begin, end).split('\n').slice(1)) {
    const m = /^#\s*([A-Za-z-]+):\s*(.*)$/.exec(raw.trim());
    const field = m && FIELDS[m[1]!.toLowerCase()];
    if (!field) continue;
    const value = m[2]!.trim();
    if (field === 'shortDescription') out.shortDescription = value;
    else out[field] = value.split(/\s+/).filter(Boolean);
  }
  return out;
}

/** `S01ssh` in /etc/rc2.d → { start: true, script: 'ssh' }; other names → null. */
export function parseRcLink(name: string): { start: boolean; script: string } | null {
  const m = /^([SK])(\d\d)(.+)$/.exec(name);
  return m ? { start: m[1] === 'S', script: m[3]! } : null;
}
