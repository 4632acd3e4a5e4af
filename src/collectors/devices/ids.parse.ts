/** A parsed pci.ids / usb.ids database (the vendor → device → subsystem tree, plus device classes). */
export interface IdsDatabase {
  vendors: Map<string, string>;
  /** `vendor:device` → name. */
  devices: Map<string, string>;
  /** `vendor:device:subvendor:subdevice` → name. */
  subsystems: Map<string, string>;
  /** `cc` and `cc:ss` → class and subclass names. */
  classes: Map<string, string>;
}

/**
 * Parses the pci.ids/usb.ids format: `vvvv  Vendor`, `\tdddd  Device`, `\t\tsvvv sddd  Subsystem`,
 * and a class section `C cc  Class` / `\tss  Subclass`. Other sections of usb.ids (AT, HID, R,
 * BIAS, PHY, HUT, L, HCC, VT) start with a non-hex word and are skipped. Comments start with `#`.
 * With `vendorsWanted`, only those vendors' devices and subsystems are kept (classes always).
 */
export function parseIds(text: string, vendorsWanted?: ReadonlySet<string>): IdsDatabase {
  const db: IdsDatabase = { vendors: new Map(), devices: new Map(), subsystems: new Map(), classes: new Map() };
  let section: 'vendor' | 'class' | 'other' = 'vendor';
  let vendor = '';
  let device = '';
  let cls = '';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('\t')) {
      const v = /^([0-9a-fA-F]{4})\s+(.*)$/.exec(line);
      if (v) {
        section = 'vendor';
        vendor = v[1]!.toLowerCase();
        device = '';
        // Only the vendors this host has: the whole pci.ids tree is ~7 MB of heap.
        if (vendorsWanted && !vendorsWanted.has(vendor)) vendor = '';
        else db.vendors.set(vendor, v[2]!.trim());
        continue;
      }
      const c = /^C ([0-9a-fA-F]{2})\s+(.*)$/.exec(line);
      if (c) {
        section = 'class';
        cls = c[1]!.toLowerCase();
        db.classes.set(cls, c[2]!.trim());
        continue;
      }
      section = 'other';
      continue;
    }
    if (section === 'vendor' && vendor) {
      const sub = /^\t\t([0-9a-fA-F]{4})\s+([0-9a-fA-F]{4})\s+(.*)$/.exec(line);
      if (sub && device) {
        db.subsystems.set(`${vendor}:${device}:${sub[1]!.toLowerCase()}:${sub[2]!.toLowerCase()}`, sub[3]!.trim());
        continue;
      }
      const d = /^\t([0-9a-fA-F]{4})\s+(.*)$/.exec(line);
      if (d) {
        device = d[1]!.toLowerCase();
        db.devices.set(`${vendor}:${device}`, d[2]!.trim());
      }
    } else if (section === 'class' && cls) {
      const s = /^\t([0-9a-fA-F]{2})\s+(.*)$/.exec(line);
      if (s) db.classes.set(`${cls}:${s[1]!.toLowerCase()}`, s[2]!.trim());
    }
  }
  return db;
}
