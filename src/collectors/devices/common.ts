import type { HostFs } from '../../host/hostfs.js';
import { readSysfsAttr } from '../../host/sysfs/attr.js';
import type { CollectContext } from '../types.js';

import { sha256Hex } from '../../util/hash.js';

export { sha256Hex };

/** sha256 of a serial-like value, or null when there is none (empty, or the usual firmware placeholders). */
export function hashIdentifier(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (v === '' || /^(none|n\/a|not specified|default string|to be filled by o\.e\.m\.|0+)$/i.test(v)) return null;
  return sha256Hex(v);
}

/**
 * One sysfs/procfs attribute, trimmed; null when the host does not have it.
 * Some attributes are root-only (DMI serials) or fail to read on some drivers (EIO):
 * that one value is null and noted as a parse error, the rest of the device is still reported.
 * Other errors (a directory or a symlink loop where the attribute should be) fail the collector.
 */
export async function readAttr(ctx: CollectContext, file: string): Promise<string | null> {
  return readSysfsAttr(ctx.fs, file, ctx.parseError);
}

/** A non-negative decimal attribute; garbage (a truncated write) is a parse error and null. */
export async function readIntAttr(ctx: CollectContext, file: string): Promise<number | null> {
  const v = await readAttr(ctx, file);
  if (v === null) return null;
  if (!/^\d+$/.test(v)) {
    ctx.parseError(file, `expected a decimal number, got ${JSON.stringify(v.slice(0, 40))}`);
    return null;
  }
  return Number(v);
}

/** A 0/1 attribute as a boolean, null when missing or not 0/1. */
export async function readFlagAttr(ctx: CollectContext, file: string): Promise<boolean | null> {
  const n = await readIntAttr(ctx, file);
  if (n === null) return null;
  if (n > 1) {
    ctx.parseError(file, `expected 0 or 1, got ${n}`);
    return null;
  }
  return n === 1;
}

/** A `0x1af4`-style id attribute as 4 lowercase hex digits (or as many as it has), null when malformed. */
export async function readHexIdAttr(ctx: CollectContext, file: string): Promise<string | null> {
  const v = await readAttr(ctx, file);
  if (v === null) return null;
  const m = /^(?:0x)?([0-9a-fA-F]{1,8})$/.exec(v);
  if (!m) {
    ctx.parseError(file, `expected a hexadecimal id, got ${JSON.stringify(v.slice(0, 40))}`);
    return null;
  }
  return m[1]!.toLowerCase();
}

/** Entries of a directory, empty when the host does not have it. */
export async function listDir(fs: HostFs, dir: string): Promise<string[]> {
  return ((await fs.readdirIfExists(dir)) ?? []).map((e) => e.name);
}

/** The last component of a link target (`../../../bus/pci/drivers/virtio-pci` → `virtio-pci`), null when no link. */
export async function linkBasename(fs: HostFs, link: string): Promise<string | null> {
  try {
    const target = await fs.readlink(link);
    return target.split('/').filter(Boolean).pop() ?? null;
  } catch {
    return null; // no driver bound (or not a link): nothing to report
  }
}
