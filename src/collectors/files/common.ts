import type { Stats } from 'node:fs';
import { getAttribute } from '@napi-rs/xattr';
import { constants as C } from 'node:fs';
import { open } from 'node:fs/promises';
import { fsPath } from '../../host/names.js';
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
    value = await getAttributeOf(realPath, 'security.capability');
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

/**
 * An extended attribute of a path on this machine (escaped, from `ctx.fs.realPath`). The
 * xattr binding takes only text paths: a name that is not UTF-8 is reached through its
 * open descriptor's /proc/self/fd link instead, opened without following a last link.
 */
async function getAttributeOf(realPath: string, name: string): Promise<Buffer | null> {
  const local = fsPath(realPath);
  if (typeof local === 'string') return getAttribute(local, name);
  const fh = await open(local, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  try {
    return await getAttribute(`/proc/self/fd/${fh.fd}`, name);
  } finally {
    await fh.close().catch(() => {});
  }
}
