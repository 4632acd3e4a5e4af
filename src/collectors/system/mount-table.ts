import { HostFsError, isNotFound, type HostFs } from '../../host/hostfs.js';
import { parseMounts, type MountEntry } from './mounts.parse.js';

/**
 * Init's mount table first: in a container with the host's /proc mounted, /proc/mounts is the
 * exporter's own namespace, /proc/1/mounts the host's. The others are fallbacks for hosts where
 * PID 1's table cannot be read (no ptrace right over init).
 */
export const MOUNT_SOURCES = ['/proc/1/mounts', '/proc/mounts', '/proc/self/mounts'];

export interface MountTable {
  source: string;
  mounts: MountEntry[];
}

/** The host's mount table, or null when no source exists (a bare fixture root). */
export async function readMountTable(fs: HostFs, onBad: (source: string, reason: string) => void): Promise<MountTable | null> {
  let lastDenied: unknown = null;
  for (const source of MOUNT_SOURCES) {
    let text: string;
    try {
      text = await fs.readText(source);
    } catch (err) {
      if (isNotFound(err)) continue;
      if (err instanceof HostFsError && err.code === 'EACCES') {
        lastDenied = err;
        continue;
      }
      throw err;
    }
    const mounts = parseMounts(text, (line, reason) => onBad(source, `line ${line}: ${reason}`));
    if (mounts.length === 0 && text.trim() !== '') throw new Error(`${source}: no mount line could be parsed`);
    return { source, mounts };
  }
  if (lastDenied) throw lastDenied;
  return null;
}
