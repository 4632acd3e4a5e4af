import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { hashIdentifier, listDir, readAttr, readHexIdAttr } from './common.js';
import { loadIds } from './ids-file.js';

const USB_DIR = '/sys/bus/usb/devices';
export const USB_IDS = ['/usr/share/misc/usb.ids', '/usr/share/hwdata/usb.ids', '/usr/share/usb.ids'];

export const usbDevices = defineCollector({
  name: 'usb_devices',
  area: 'devices',
  description: 'USB devices from /sys/bus/usb/devices (vendor, product, class, speed; serial as sha256), names from usb.ids when present.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 15 * SECOND,
  tables: [
    {
      name: 'usb_devices',
      key: ['port'],
      description: 'One row per USB device (hubs included) by bus port path; plugging or unplugging a device is drift.',
      drift: true,
    },
  ],
  async collect(ctx) {
    // Interfaces are `1-1:1.0`; devices and root hubs are `1-1.2` and `usb1`.
    const ports = (await listDir(ctx.fs, USB_DIR)).filter((n) => !n.includes(':'));
    if (ports.length === 0) return [{ name: 'usb_devices', rows: [] }];
    const raw = [];
    for (const port of ports) {
      if (ctx.signal.aborted) break;
      const dir = `${USB_DIR}/${port}`;
      raw.push({ port, dir, vendor: await readHexIdAttr(ctx, `${dir}/idVendor`) });
    }
    const ids = await loadIds(ctx, USB_IDS, new Set(raw.flatMap((r) => (r.vendor ? [r.vendor] : []))));
    const rows: FactRow[] = [];
    for (const { port, dir, vendor } of raw) {
      if (ctx.signal.aborted) break;
      const product = await readHexIdAttr(ctx, `${dir}/idProduct`);
      const cls = await readHexIdAttr(ctx, `${dir}/bDeviceClass`);
      const classId = cls === null ? '' : cls.padStart(2, '0');
      rows.push({
        port,
        vendor_id: vendor ?? '',
        product_id: product ?? '',
        manufacturer: (await readAttr(ctx, `${dir}/manufacturer`)) ?? '',
        product: (await readAttr(ctx, `${dir}/product`)) ?? '',
        vendor: (vendor && ids?.db.vendors.get(vendor)) || '',
        model: (vendor && product && ids?.db.devices.get(`${vendor}:${product}`)) || '',
        serial_sha256: hashIdentifier(await readAttr(ctx, `${dir}/serial`)) ?? '',
        class_id: classId,
        class: (classId && ids?.db.classes.get(classId)) || '',
        speed_mbps: Number((await readAttr(ctx, `${dir}/speed`)) ?? NaN) || null,
        usb_version: (await readAttr(ctx, `${dir}/version`)) ?? '',
        removable: (await readAttr(ctx, `${dir}/removable`)) ?? '',
        authorized: (await readAttr(ctx, `${dir}/authorized`)) === '1',
      });
    }
    return [{ name: 'usb_devices', rows }];
  },
});
