import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { hashIdentifier } from './common.js';
import { DMI_DIR, DMI_HASHED, DMI_PLAIN, readDmi } from '../../host/sysfs/dmi.js';
import { chassisTypeName } from './dmi.parse.js';

export const dmi = defineCollector({
  name: 'dmi',
  area: 'devices',
  description: 'DMI/SMBIOS facts from /sys/class/dmi/id: vendor, product, board, BIOS, chassis; serials and UUID as sha256.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'dmi', key: ['source'], description: 'One row: the machine as its firmware describes it.', drift: true }],
  async collect(ctx) {
    const values = await readDmi(ctx.fs, ctx.parseError);
    if (values === null) return [{ name: 'dmi', rows: [] }];
    const row: FactRow = { source: DMI_DIR };
    for (const f of DMI_PLAIN) row[f] = values[f] ?? '';
    row.chassis_type = chassisTypeName(values.chassis_type ?? null);
    // An unreadable serial file (root only) is null, a missing or placeholder one is empty.
    for (const f of DMI_HASHED) row[`${f}_sha256`] = values[f] === null ? null : (hashIdentifier(values[f] ?? '') ?? '');
    return [{ name: 'dmi', rows: [row] }];
  },
});
