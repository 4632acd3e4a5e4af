import type { Stats } from 'node:fs';
import { getAttribute } from '@napi-rs/xattr';
import { capabilitiesText, parseFileCapabilities } from './capability.parse.js';

/** `0755`, `4755`: permission bits with setuid/setgid/sticky, as ls and stat show them. */
export function octalMode(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

export function fileKind(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'other';
}

/**
 * The file capabilities of a file on this machine (a path from `ctx.fs.realPath`), in getcap's
 * text form, or '' when it has none. Node has no xattr API; @napi-rs/xattr reads it.
 */
export async function readCapabilities(realPath: string): Promise<{ text: string; error: string | null }> {
  let value: Buffer | null;
  try {
    value = await getAttribute(realPath, 'security.capability');
  } catch (err) {
    const msg = (err as Error).message;
    // No attribute, or a filesystem without xattrs: no capabilities.
    if (/ENODATA|ENOTSUP|EOPNOTSUPP|No data|not supported|No such attribute/i.test(msg)) return { text: '', error: null };
    return { text: '', error: msg };
  }
  if (!value || value.length === 0) return { text: '', error: null };
  try {
    return { text: capabilitiesText(parseFileCapabilities(value)), error: null };
  } catch (err) {
    return { text: '', error: (err as Error).message };
  }
}
