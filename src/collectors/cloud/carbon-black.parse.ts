import { parseIni as parseIniSections } from '../ini.parse.js';

/** The sections and keys of an INI file (`[CB]` / `Key=Value`), keys as `Section.Key`. */
export function parseIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of parseIniSections(text, undefined, { keepCase: true })) {
    for (const [key, value] of section.values) out.set(`${section.name}.${key}`, value);
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
