import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../helpers.js';

/** A scratch host root with the given files (host path → content). */
export function hostWith(files: Record<string, string | Buffer>): string {
  const root = tempDir('hb-users-');
  for (const [p, content] of Object.entries(files)) {
    const real = path.join(root, p);
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, content);
  }
  return root;
}
