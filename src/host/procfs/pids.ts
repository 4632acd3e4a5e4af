import type { HostFs } from '../hostfs.js';

/** Numeric entries of the /proc listing, ascending; null when the host has no /proc. */
export async function listPids(fs: HostFs): Promise<number[] | null> {
  if (!(await fs.statIfExists('/proc'))?.isDirectory()) return null;
  // Streamed: 100,000 processes cost an array of numbers, not one of directory entries.
  const pids: number[] = [];
  for await (const e of fs.entries('/proc')) if (/^[1-9]\d*$/.test(e.name)) pids.push(Number(e.name));
  return pids.sort((a, b) => a - b);
}
