import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { sha256Hex } from './common.js';
import { efiBooleanVariable, smbiosVersion } from './firmware.parse.js';

/** The EFI global variable GUID (UEFI spec, EFI_GLOBAL_VARIABLE). */
const EFI_GLOBAL = '8be4df61-93ca-11d2-aa0d-e0ec4f4f6f2c';
const ACPI_DIR = '/sys/firmware/acpi/tables';
/** ACPI tables are at most a few MiB (DSDT); anything bigger is not a table. */
const ACPI_MAX_BYTES = 16 * 1024 * 1024;

/** SecureBoot/SetupMode from efivarfs, or the older /sys/firmware/efi/vars/<name>/data (data only). */
async function efiFlag(ctx: CollectContext, name: string): Promise<boolean | null> {
  const file = `/sys/firmware/efi/efivars/${name}-${EFI_GLOBAL}`;
  const bytes = await ctx.fs.readBytesIfExists(file, { maxBytes: 4096 });
  if (bytes !== null) {
    const v = efiBooleanVariable(bytes);
    if (v === null) ctx.parseError(file, `expected 4 attribute bytes and a 0/1 byte, got ${bytes.length} bytes`);
    return v;
  }
  const legacy = await ctx.fs.readBytesIfExists(`/sys/firmware/efi/vars/${name}-${EFI_GLOBAL}/data`, { maxBytes: 4096 });
  if (legacy === null || legacy.length < 1) return null;
  return legacy[0] === 1;
}

async function acpiTables(ctx: CollectContext): Promise<FactRow[]> {
  const rows: FactRow[] = [];
  // Top-level tables, and tables the firmware loaded at run time (dynamic/SSDTn): both run in the kernel's AML interpreter.
  for (const sub of ['', 'dynamic/']) {
    for (const e of (await ctx.fs.readdirIfExists(`${ACPI_DIR}${sub ? '/' + sub.slice(0, -1) : ''}`)) ?? []) {
      if (e.type !== 'file') continue;
      const file = `${ACPI_DIR}/${sub}${e.name}`;
      const bytes = await ctx.fs.readBytes(file, { maxBytes: ACPI_MAX_BYTES });
      rows.push({ name: sub + e.name, size_bytes: bytes.length, sha256: sha256Hex(bytes), dynamic: sub !== '' });
    }
  }
  return rows;
}

export const firmware = defineCollector({
  name: 'firmware',
  area: 'devices',
  description: 'Firmware: EFI boot, Secure Boot and Setup Mode from efivars, ACPI tables (name, size, sha256), SMBIOS tables.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 20 * SECOND,
  tables: [
    { name: 'firmware', key: ['efi'], description: 'One row: boot firmware and its protections.', drift: true },
    { name: 'acpi_tables', key: ['name'], description: 'One row per ACPI table the firmware handed the kernel.', drift: true },
  ],
  async collect(ctx) {
    const efi = (await ctx.fs.statIfExists('/sys/firmware/efi'))?.isDirectory() ?? false;
    const dmiTable = await ctx.fs.statIfExists('/sys/firmware/dmi/tables/DMI');
    const entry = await ctx.fs.readBytesIfExists('/sys/firmware/dmi/tables/smbios_entry_point', { maxBytes: 4096 });
    const acpi = await acpiTables(ctx);
    const hasFirmwareDir = (await ctx.fs.statIfExists('/sys/firmware')) !== null;
    const row: FactRow = {
      efi,
      secure_boot: efi ? await efiFlag(ctx, 'SecureBoot') : null,
      setup_mode: efi ? await efiFlag(ctx, 'SetupMode') : null,
      dmi_tables: dmiTable !== null,
      dmi_table_bytes: dmiTable ? dmiTable.size : null,
      smbios_version: entry ? (smbiosVersion(entry) ?? '') : '',
      acpi_tables: acpi.length,
    };
    return [
      { name: 'firmware', rows: hasFirmwareDir ? [row] : [] },
      { name: 'acpi_tables', rows: acpi },
    ];
  },
});
