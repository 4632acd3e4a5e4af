import type { CollectorSpec } from '../types.js';
import { blockDevices } from './block-devices.js';
import { dmi } from './dmi.js';
import { firmware } from './firmware.js';
import { intelMei } from './intel-mei.js';
import { iomem } from './iomem.js';
import { pciDevices } from './pci-devices.js';
import { smart } from './smart.js';
import { softwareRaid } from './software-raid.js';
import { usbDevices } from './usb-devices.js';

export const devicesCollectors: CollectorSpec[] = [blockDevices, softwareRaid, dmi, firmware, pciDevices, usbDevices, intelMei, iomem, smart];
