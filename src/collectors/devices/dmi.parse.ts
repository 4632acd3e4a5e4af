/** SMBIOS chassis types (DMTF DSP0134, table "System Enclosure or Chassis Types"). */
const CHASSIS_TYPES = [
  '', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop',
  'Notebook', 'Hand Held', 'Docking Station', 'All in One', 'Sub Notebook', 'Space-saving', 'Lunch Box',
  'Main Server Chassis', 'Expansion Chassis', 'SubChassis', 'Bus Expansion Chassis', 'Peripheral Chassis',
  'RAID Chassis', 'Rack Mount Chassis', 'Sealed-case PC', 'Multi-system chassis', 'Compact PCI', 'Advanced TCA',
  'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable', 'IoT Gateway', 'Embedded PC', 'Mini PC', 'Stick PC',
];

/** The chassis type name of /sys/class/dmi/id/chassis_type (a number); the number itself when unknown. */
export function chassisTypeName(value: string | null): string {
  if (value === null || value === '') return '';
  if (!/^\d+$/.test(value)) return value;
  return CHASSIS_TYPES[Number(value)] || value;
}

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
