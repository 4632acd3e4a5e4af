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
