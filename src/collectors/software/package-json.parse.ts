export interface PackageJson {
  name: string;
  version: string;
  /** VS Code extensions name their publisher; npm packages and Atom packages do not. */
  publisher: string;
}

/**
 * Reads name, version and publisher from a package.json (npm packages, VS Code and
 * Atom extensions). Only these three fields are kept: scripts, repository URLs with
 * credentials and the rest never leave this function. Returns the reason when unusable.
 */
export function parsePackageJson(text: string): PackageJson | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return `invalid JSON (${(err as Error).message})`;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'not a JSON object';
  const d = doc as Record<string, unknown>;
  if (typeof d.name !== 'string' || d.name === '') return 'no "name" string';
  if (typeof d.version !== 'string' || d.version === '') return `${d.name}: no "version" string`;
  return { name: d.name, version: d.version, publisher: typeof d.publisher === 'string' ? d.publisher : '' };
}
