import type { HostFs } from '../hostfs.js';
import { readSysfsAttr } from './attr.js';

export const DMI_DIR = '/sys/class/dmi/id';

/** DMI fields exported as they are. */
export const DMI_PLAIN = [
  'sys_vendor',
  'product_name',
  'product_version',
  'product_family',
  'product_sku',
  'board_vendor',
  'board_name',
  'board_version',
  'bios_vendor',
  'bios_version',
  'bios_date',
  'bios_release',
  'chassis_vendor',
  'chassis_type',
] as const;

/** Serial-like DMI fields (root-only files): exported only as sha256. */
export const DMI_HASHED = ['product_serial', 'product_uuid', 'board_serial', 'chassis_serial', 'chassis_asset_tag'] as const;

export type DmiField = (typeof DMI_PLAIN)[number] | (typeof DMI_HASHED)[number];
export type DmiValues = Partial<Record<DmiField, string | null>>;

/**
 * The DMI/SMBIOS fields of /sys/class/dmi/id, raw (serials included: callers hash them),
 * or null when the host has no DMI (some VMs, ARM boards). A missing field is '';
 * a root-only file that cannot be read is null, reported through `onUnreadable`.
 */
export async function readDmi(fs: HostFs, onUnreadable: (file: string, reason: string) => void): Promise<DmiValues | null> {
  if (!(await fs.readdirIfExists(DMI_DIR))) return null;
  const out: DmiValues = {};
  for (const f of [...DMI_PLAIN, ...DMI_HASHED]) {
    const file = `${DMI_DIR}/${f}`;
    // Missing is '' (the firmware does not fill it); unreadable stays null.
    out[f] = (await fs.statIfExists(file)) ? await readSysfsAttr(fs, file, onUnreadable) : '';
  }
  return out;
}
