import type { HostFs } from '../hostfs.js';

/** Numeric entries of the /proc listing, ascending; null when the host has no /proc. */
export async function listPids(fs: HostFs): Promise<number[] | null> {
  const entries = await fs.readdirIfExists('/proc');
  if (!entries) return null;
  const pids: number[] = [];
  for (const e of entries) if (/^[1-9]\d*$/.test(e.name)) pids.push(Number(e.name));
  return pids.sort((a, b) => a - b);
}
