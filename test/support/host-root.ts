import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers.js';

/** Writes one file of a host root (host path → content), making its directories. */
export function put(root: string, file: string, content: string | Buffer): string {
  const p = path.join(root, file);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** A scratch host root holding the given files (host path → content); removed after the test file. */
export function hostRoot(files: Record<string, string | Buffer> = {}, prefix = 'hb-host-'): string {
  const root = tempDir(prefix);
  for (const [file, content] of Object.entries(files)) put(root, file, content);
  return root;
}
