import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../helpers.js';

/** A host root holding the given files (host path → content). */
export function hostRoot(files: Record<string, string | Buffer>): string {
  const root = tempDir('hb-system-');
  for (const [file, content] of Object.entries(files)) {
    const p = path.join(root, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

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
