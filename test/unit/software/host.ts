import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../helpers.js';

/** A scratch host root holding the given files (host path → contents). */
export function hostWith(files: Record<string, string | Buffer>): string {
  const root = tempDir('hb-software-');
  for (const [hostPath, data] of Object.entries(files)) {
    const real = path.join(root, hostPath);
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, data);
  }
  return root;
}

/** Parse errors counted by a collector run (from the scheduler state). */
export function parseErrors(state: { parseErrorsTotal: number }): number {
  return state.parseErrorsTotal;
}
