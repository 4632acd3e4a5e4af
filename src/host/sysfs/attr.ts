import { HostFsError, type HostFs } from '../hostfs.js';

/** sysfs attributes are one short value; anything longer is not an attribute. */
export const ATTR_MAX_BYTES = 64 * 1024;

/**
 * One sysfs attribute, trimmed (trailing NULs too); null when missing. A root-only
 * attribute (EACCES) or one whose driver fails the read (EIO) is null and reported
 * through `onUnreadable`; any other error (a directory, a symlink loop) throws.
 */
export async function readSysfsAttr(fs: HostFs, file: string, onUnreadable: (file: string, reason: string) => void): Promise<string | null> {
  try {
    const text = await fs.readTextIfExists(file, { maxBytes: ATTR_MAX_BYTES });
    return text === null ? null : text.replace(/\0+$/, '').trim();
  } catch (err) {
    if (err instanceof HostFsError && (err.code === 'EACCES' || err.code === 'EIO')) {
      onUnreadable(file, err.message);
      return null;
    }
    throw err;
  }
}
