/** The sections and keys of an INI file (`[CB]` / `Key=Value`), keys as `Section.Key`. */
export function parseIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out.set(`${section}.${line.slice(0, eq).trim()}`, line.slice(eq + 1).trim());
  }
  return out;
}

/**
 * The Carbon Black Response sensor id of /var/lib/cb/sensor.id: 16 characters whose last
 * five are the id in hex (the layout osquery's carbon_black_info reads). Null when malformed.
 */
export function parseSensorId(text: string): number | null {
  const t = text.replace(/\r?\n$/, '');
  if (t.length !== 16) return null;
  const hex = t.slice(11);
  return /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : null;
}

/** The backend server's scheme://host[:port] only: credentials and paths never leave the host. */
export function serverOrigin(value: string): string {
  const decoded = value.replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  try {
    const u = new URL(decoded);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}
