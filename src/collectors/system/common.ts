import type { HostFs } from '../../host/hostfs.js';

/** The trimmed text of a one-value file (/proc/sys/…, /etc/hostname), or null when the host lacks it. */
export async function readValue(fs: HostFs, file: string): Promise<string | null> {
  const text = await fs.readTextIfExists(file);
  return text === null ? null : text.trim();
}

/** The first of several candidate files that exists, with its path. */
export async function readFirst(fs: HostFs, files: string[]): Promise<{ file: string; text: string } | null> {
  for (const file of files) {
    const text = await fs.readTextIfExists(file);
    if (text !== null) return { file, text };
  }
  return null;
}

/** Splits a `key : value` line of /proc/cpuinfo or /proc/meminfo; null when it has no colon. */
export function splitColonLine(line: string): [string, string] | null {
  const i = line.indexOf(':');
  if (i <= 0) return null;
  return [line.slice(0, i).trim(), line.slice(i + 1).trim()];
}

/** A non-negative decimal integer, or null (so garbage never turns into NaN metrics). */
export function parseCount(s: string | undefined): number | null {
  if (s === undefined || !/^\d+$/.test(s)) return null;
  return Number(s);
}

/** A finite decimal number (integer or fraction), or null. */
export function parseDecimal(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}
