import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../helpers.js';

export { hostRoot } from '../../support/host-root.js';

/** A root where `file` is a directory. */
export function rootWithDirAt(file: string): string {
  const root = tempDir('hb-system-');
  mkdirSync(path.join(root, file), { recursive: true });
  return root;
}

/** A root where `file` is a FIFO (a read must not block). */
export function rootWithFifoAt(file: string): string {
  const root = tempDir('hb-system-');
  const p = path.join(root, file);
  mkdirSync(path.dirname(p), { recursive: true });
  execFileSync('mkfifo', [p]);
  return root;
}

/** A root where `file` is a link into a symlink loop. */
export function rootWithLoopAt(file: string): string {
  const root = tempDir('hb-system-');
  const p = path.join(root, file);
  mkdirSync(path.dirname(p), { recursive: true });
  symlinkSync('/loop-b', path.join(root, 'loop-a'));
  symlinkSync('/loop-a', path.join(root, 'loop-b'));
  symlinkSync('/loop-a', p);
  return root;
}
