/**
 * An EFI variable from efivarfs: 4 bytes of attributes, then the data. SecureBoot and
 * SetupMode hold one byte, 1 or 0. Null when the file is too short (truncated) or the byte is not 0/1.
 */
export function efiBooleanVariable(bytes: Buffer): boolean | null {
  if (bytes.length < 5) return null;
  const v = bytes[4]!;
  return v === 0 || v === 1 ? v === 1 : null;
}

/** The SMBIOS version of /sys/firmware/dmi/tables/smbios_entry_point (`_SM_` 2.x or `_SM3_` 3.x anchor). */
export function smbiosVersion(entry: Buffer): string | null {
  if (entry.length >= 9 && entry.toString('latin1', 0, 5) === '_SM3_') return `${entry[7]}.${entry[8]}`;
  if (entry.length >= 8 && entry.toString('latin1', 0, 4) === '_SM_') return `${entry[6]}.${entry[7]}`;
  return null;
}
