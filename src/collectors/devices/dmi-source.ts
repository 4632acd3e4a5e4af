import type { CollectContext } from '../types.js';
import { readAttr } from './common.js';
import { DMI_HASHED, DMI_PLAIN, type DmiValues } from './dmi.parse.js';

export const DMI_DIR = '/sys/class/dmi/id';

/**
 * The DMI/SMBIOS fields of /sys/class/dmi/id, raw (serials included: callers hash them),
 * or null when the host has no DMI (some VMs, ARM boards). A missing field is '';
 * a root-only file that cannot be read is null, with a parse error.
 */
export async function readDmi(ctx: CollectContext): Promise<DmiValues | null> {
  if (!(await ctx.fs.readdirIfExists(DMI_DIR))) return null;
  const out: DmiValues = {};
  for (const f of [...DMI_PLAIN, ...DMI_HASHED]) {
    const file = `${DMI_DIR}/${f}`;
    // Missing is '' (the firmware does not fill it); unreadable stays null.
    out[f] = (await ctx.fs.statIfExists(file)) ? await readAttr(ctx, file) : '';
  }
  return out;
}
