/**
 * Reads Name and Version from core metadata (METADATA, PKG-INFO: RFC 822 headers
 * up to the first blank line; the body is the long description and is ignored).
 * Returns the reason when the file is not usable.
 */
export function parseCoreMetadata(text: string): { name: string; version: string } | string {
  let name = '';
  let version = '';
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break;
    if (!name && line.startsWith('Name:')) name = line.slice(5).trim();
    else if (!version && line.startsWith('Version:')) version = line.slice(8).trim();
    if (name && version) break;
  }
  if (!name) return 'no Name header';
  if (!version) return `${name}: no Version header`;
  return { name, version };
}

/** `python3`, `python3.11`: the interpreter directories under lib/. */
export function isPython3Dir(name: string): boolean {
  return /^python3(\.\d+)?$/.test(name);
}
