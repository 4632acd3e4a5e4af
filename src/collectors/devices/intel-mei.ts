import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { listDir, readAttr } from './common.js';

const MEI_CLASS = '/sys/class/mei';

/** `0:16.1.25.2124\n1:…` → the first firmware version (the ME firmware itself; the others are recovery/fitc images). */
export function firstFwVersion(text: string | null): string {
  if (!text) return '';
  const m = /^\s*\d+:\s*(\S+)/m.exec(text);
  return m ? m[1]! : text.split('\n')[0]!.trim();
}

export const intelMei = defineCollector({
  name: 'intel_mei',
  area: 'devices',
  description: 'Intel Management Engine interface: /dev/meiN presence and the ME firmware version and status from /sys/class/mei.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'intel_mei', key: ['device'], description: 'One row per MEI device.', drift: true }],
  async collect(ctx) {
    const names = new Set((await listDir(ctx.fs, MEI_CLASS)).filter((n) => /^mei\d+$/.test(n)));
    // A /dev/mei0 node without the sysfs class (sysfs not mounted in the exporter's container) still counts.
    for (const n of await listDir(ctx.fs, '/dev')) if (/^mei\d+$/.test(n)) names.add(n);
    const rows: FactRow[] = [];
    for (const name of [...names].sort()) {
      const dir = `${MEI_CLASS}/${name}`;
      const fwStatus = await readAttr(ctx, `${dir}/fw_status`);
      rows.push({
        device: name,
        dev_node: await ctx.fs.exists(`/dev/${name}`),
        fw_version: firstFwVersion(await readAttr(ctx, `${dir}/fw_ver`)),
        fw_status: fwStatus ? fwStatus.split(/\s+/)[0]!.toLowerCase() : '',
        hbm_version: (await readAttr(ctx, `${dir}/hbm_ver`)) ?? '',
        dev_state: (await readAttr(ctx, `${dir}/dev_state`)) ?? '',
        kind: (await readAttr(ctx, `${dir}/kind`)) ?? '',
      });
    }
    return [{ name: 'intel_mei', rows }];
  },
});
