import type { HostFs } from '../../host/hostfs.js';

export interface NetFile {
  path: string;
  text: string;
}

/**
 * A /proc/net file of a network namespace, read through one of its processes.
 * /proc/net is a link to the reading process's own view (a container's, when the
 * exporter runs in one), so for the host's namespace PID 1's file comes first; a
 * host root without /proc/1/net (a fixture, a procfs without PID 1) falls back
 * to /proc/net.
 */
export async function readNetFile(fs: HostFs, name: string, pid = 1): Promise<NetFile | null> {
  const own = `/proc/${pid}/net/${name}`;
  const text = await fs.readTextIfExists(own);
  if (text !== null) return { path: own, text };
  if (pid !== 1) return null;
  const fallback = await fs.readTextIfExists(`/proc/net/${name}`);
  return fallback === null ? null : { path: `/proc/net/${name}`, text: fallback };
}

/** Reports malformed lines of one file through ctx.parseError. */
export function badLineReporter(parseError: (source: string, reason: string) => void, file: string) {
  return (line: number, reason: string) => parseError(file, `line ${line}: ${reason}`);
}
