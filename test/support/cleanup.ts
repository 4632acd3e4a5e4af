import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { decodeOctalEscapes } from '../../src/host/procfs/octal.js';
import * as path from 'node:path';

/**
 * What a test file made and must not leave behind: temporary directories (some hold
 * setuid fixture files, which our own "SUID file in /tmp" check would flag on a
 * developer's machine) and child processes. `test/setup/cleanup.ts` empties both
 * after every test file.
 */
const dirs = new Set<string>();
const processes = new Set<ChildProcess>();

export function registerTempDir(dir: string): string {
  dirs.add(dir);
  return dir;
}

export function trackProcess<T extends ChildProcess>(child: T): T {
  processes.add(child);
  child.once('exit', () => processes.delete(child));
  return child;
}

/**
 * Removes a tree even where a test took away permissions (mode 000 directories) or a
 * program it ran left mounts inside (dockerd's overlay and netns mounts under its data root).
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    unmountBelow(dir);
    grantAll(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lazily unmounts every mount at or below `dir`, deepest first. */
function unmountBelow(dir: string): void {
  let table: string;
  try {
    table = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  const points = table
    .split('\n')
    .map((l) => decodeOctalEscapes(l.split(' ')[4] ?? ''))
    .filter((p) => p === dir || p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const p of points) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
}

function grantAll(p: string): void {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(p, 0o700);
    for (const name of readdirSync(p)) grantAll(path.join(p, name));
  }
}

export async function cleanupAll(): Promise<void> {
  for (const child of processes) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  }
  processes.clear();
  for (const dir of dirs) removeTree(dir);
  dirs.clear();
}
