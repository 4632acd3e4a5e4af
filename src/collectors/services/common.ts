import type { HostFs } from '../../host/hostfs.js';
import { isNotFound } from '../../host/hostfs.js';

export { sha256Hex } from '../../util/hash.js';

export interface ListedFile {
  name: string;
  path: string;
}

/**
 * Regular files of a directory (symbolic links followed inside the host root), sorted by name.
 * A missing directory is an empty list. Entries that are not regular files (FIFOs, devices,
 * sub-directories, dangling or looping links) are reported through `onSkip` and left out, so one
 * odd entry never hides the rest of the directory.
 */
export async function listRegularFiles(
  fs: HostFs,
  dir: string,
  onSkip?: (path: string, reason: string) => void,
  opts: { skipDirs?: boolean } = {},
): Promise<ListedFile[]> {
  const entries = await fs.readdirIfExists(dir);
  if (!entries) return [];
  const out: ListedFile[] = [];
  for (const e of entries) {
    const path = `${dir === '/' ? '' : dir}/${e.name}`;
    if (e.type === 'file') {
      out.push({ name: e.name, path });
      continue;
    }
    if (e.type === 'dir') {
      if (!opts.skipDirs) onSkip?.(path, 'is a directory');
      continue;
    }
    if (e.type === 'other') {
      onSkip?.(path, 'not a regular file');
      continue;
    }
    try {
      const st = await fs.stat(path);
      if (st.isFile()) out.push({ name: e.name, path });
      else if (!(st.isDirectory() && opts.skipDirs)) onSkip?.(path, 'link to something that is not a regular file');
    } catch (err) {
      onSkip?.(path, isNotFound(err) ? 'dangling symbolic link' : (err as Error).message);
    }
  }
  return out;
}

/** The first word of a shell command after leading `NAME=value` assignments, unquoted. */
export function commandExecutable(command: string): string {
  const words = command.trim().match(/(?:"[^"]*"|'[^']*'|\\.|[^\s])+/g) ?? [];
  for (const w of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    return w.replace(/^(["'])(.*)\1$/, '$2');
  }
  return '';
}
