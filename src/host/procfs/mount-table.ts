import { HostFsError, isNotFound, type HostFs } from '../hostfs.js';
import { parseMountInfo, parseMounts, type MountEntry } from './mounts.parse.js';
import { listPids } from './pids.js';

/**
 * Init's mount table first: in a container with the host's /proc mounted, /proc/mounts is the
 * exporter's own namespace, /proc/1/mounts the host's. The others are fallbacks for hosts where
 * PID 1's table cannot be read (no ptrace right over init); mountinfo holds the same mounts
 * where a /proc offers only that file.
 */
export const MOUNT_SOURCES = ['/proc/1/mounts', '/proc/1/mountinfo', '/proc/mounts', '/proc/self/mounts', '/proc/self/mountinfo'];

export interface MountTable {
  source: string;
  mounts: MountEntry[];
}

/**
 * The host's mount table, or null when the host has no /proc at all (a bare fixture root).
 * A /proc with processes but no readable table is an error, never an empty table.
 */
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
    const parse = source.endsWith('mountinfo') ? parseMountInfo : parseMounts;
    const mounts = parse(text, (line, reason) => onBad(source, `line ${line}: ${reason}`));
    if (mounts.length === 0 && text.trim() !== '') throw new Error(`${source}: no mount line could be parsed`);
    return { source, mounts };
  }
  if (lastDenied) throw lastDenied;
  const pids = await listPids(fs);
  if (pids && pids.length > 0) throw new Error(`no mount table: none of ${MOUNT_SOURCES.join(', ')} exists though /proc lists processes`);
  return null;
}
