import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { linkBasename, listDir, readFlagAttr, readHexIdAttr } from './common.js';
import { loadIds } from './ids-file.js';

const PCI_DIR = '/sys/bus/pci/devices';
/** Where distributions install pci.ids (pciutils, hwdata, older layouts). */
export const PCI_IDS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids'];

export const pciDevices = defineCollector({
  name: 'pci_devices',
  area: 'devices',
  description: 'PCI devices from /sys/bus/pci/devices with vendor, device, subsystem and class names from the host pci.ids; bound driver.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 15 * SECOND,
  tables: [
    {
      name: 'pci_devices',
      key: ['slot'],
      description: 'One row per PCI function; a device added or removed between refreshes is drift.',
      drift: true,
    },
  ],
  async collect(ctx) {
    const slots = await listDir(ctx.fs, PCI_DIR);
    if (slots.length === 0) return [{ name: 'pci_devices', rows: [] }];
    const raw = [];
    for (const slot of slots) {
      if (ctx.signal.aborted) break;
      const dir = `${PCI_DIR}/${slot}`;
      raw.push({ slot, dir, vendor: await readHexIdAttr(ctx, `${dir}/vendor`) });
    }
    const ids = await loadIds(ctx, PCI_IDS, new Set(raw.flatMap((r) => (r.vendor ? [r.vendor] : []))));
    const rows: FactRow[] = [];
    for (const { slot, dir, vendor } of raw) {
      if (ctx.signal.aborted) break;
      const device = await readHexIdAttr(ctx, `${dir}/device`);
      const subVendor = await readHexIdAttr(ctx, `${dir}/subsystem_vendor`);
      const subDevice = await readHexIdAttr(ctx, `${dir}/subsystem_device`);
      const cls = await readHexIdAttr(ctx, `${dir}/class`);
      const classId = cls === null ? '' : cls.padStart(6, '0');
      const db = ids?.db;
      rows.push({
        slot,
        vendor_id: vendor ?? '',
        device_id: device ?? '',
        subsystem_vendor_id: subVendor ?? '',
        subsystem_device_id: subDevice ?? '',
        class_id: classId,
        revision: (await readHexIdAttr(ctx, `${dir}/revision`)) ?? '',
        vendor: (vendor && db?.vendors.get(vendor)) || '',
        device: (vendor && device && db?.devices.get(`${vendor}:${device}`)) || '',
        subsystem: (vendor && device && db?.subsystems.get(`${vendor}:${device}:${subVendor}:${subDevice}`)) || '',
        class: classId ? db?.classes.get(`${classId.slice(0, 2)}:${classId.slice(2, 4)}`) || db?.classes.get(classId.slice(0, 2)) || '' : '',
        driver: (await linkBasename(ctx.fs, `${dir}/driver`)) ?? '',
        iommu_group: (await linkBasename(ctx.fs, `${dir}/iommu_group`)) ?? '',
        enabled: await readFlagAttr(ctx, `${dir}/enable`),
        ids_file: ids?.file ?? '',
      });
    }
    return [{ name: 'pci_devices', rows }];
  },
});
