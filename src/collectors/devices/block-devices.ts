import * as path from 'node:path';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { hashIdentifier, listDir, readAttr, readFlagAttr, readIntAttr } from './common.js';
import { parsePartitions } from './block-devices.parse.js';

const SECTOR_BYTES = 512;

/** The kind of block device from its name and sysfs directory (no udev). */
export function blockType(name: string, isPartition: boolean, hasDm: boolean, hasMd: boolean): string {
  if (isPartition) return 'part';
  if (hasDm || /^dm-\d+$/.test(name)) return 'dm';
  if (hasMd || /^md\d+$/.test(name)) return 'md';
  if (/^loop\d+$/.test(name)) return 'loop';
  if (/^zram\d+$/.test(name)) return 'zram';
  if (/^(ram|nbd)\d+$/.test(name)) return name.replace(/\d+$/, '');
  if (/^sr\d+$/.test(name)) return 'rom';
  return 'disk';
}

async function deviceRow(ctx: CollectContext, name: string, dir: string, names: Set<string>): Promise<FactRow> {
  const fs = ctx.fs;
  // /sys/class/block/<name> links into /sys/devices/…/block/<disk>[/<part>]: a partition's parent directory is its disk.
  const canonical = await fs.canonical(dir);
  const parentName = path.posix.basename(path.posix.dirname(canonical));
  const isPartition = (await fs.exists(`${dir}/partition`)) || (parentName !== 'block' && names.has(parentName));
  const sectors = await readIntAttr(ctx, `${dir}/size`);
  const diskDir = isPartition ? path.posix.dirname(canonical) : dir;
  const serial = (await readAttr(ctx, `${dir}/serial`)) ?? (await readAttr(ctx, `${dir}/device/serial`)) ?? (await readAttr(ctx, `${dir}/device/wwid`));
  return {
    name,
    type: blockType(name, isPartition, await fs.exists(`${dir}/dm`), await fs.exists(`${dir}/md`)),
    parent: isPartition ? parentName : '',
    major_minor: (await readAttr(ctx, `${dir}/dev`)) ?? '',
    size_bytes: sectors === null ? null : sectors * SECTOR_BYTES,
    model: (await readAttr(ctx, `${dir}/device/model`)) ?? '',
    vendor: (await readAttr(ctx, `${dir}/device/vendor`)) ?? '',
    serial_sha256: hashIdentifier(serial) ?? '',
    dm_name: (await readAttr(ctx, `${dir}/dm/name`)) ?? '',
    // Partitions inherit these from their disk.
    rotational: await readFlagAttr(ctx, `${diskDir}/queue/rotational`),
    removable: await readFlagAttr(ctx, `${diskDir}/removable`),
    read_only: await readFlagAttr(ctx, `${dir}/ro`),
  };
}

export const blockDevices = defineCollector({
  name: 'block_devices',
  area: 'devices',
  description: 'Block devices and partitions from /sys/class/block, /sys/block and /proc/partitions (no udev); serials hashed.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'block_devices',
      key: ['name'],
      description: 'One row per block device or partition; a device added or removed between refreshes is drift.',
      drift: true,
    },
  ],
  async collect(ctx) {
    const byName = new Map<string, string>();
    for (const disk of await listDir(ctx.fs, '/sys/block')) {
      byName.set(disk, `/sys/block/${disk}`);
      // Partitions live inside their disk's directory: /sys/block/sda/sda1.
      for (const e of (await ctx.fs.readdirIfExists(`/sys/block/${disk}`)) ?? []) {
        if (e.type === 'dir' && e.name.startsWith(disk) && (await ctx.fs.exists(`/sys/block/${disk}/${e.name}/partition`)))
          byName.set(e.name, `/sys/block/${disk}/${e.name}`);
      }
    }
    for (const n of await listDir(ctx.fs, '/sys/class/block')) if (!byName.has(n)) byName.set(n, `/sys/class/block/${n}`);
    const names = new Set(byName.keys());
    const rows: FactRow[] = [];
    for (const [name, dir] of byName) {
      if (ctx.signal.aborted) break;
      rows.push(await deviceRow(ctx, name, dir, names));
    }
    // Without sysfs (a container that only mounts /proc), /proc/partitions still lists devices and sizes.
    const partitions = await ctx.fs.readTextIfExists('/proc/partitions');
    if (partitions !== null) {
      for (const p of parsePartitions(partitions, (line, reason) => ctx.parseError('/proc/partitions', `line ${line}: ${reason}`))) {
        if (names.has(p.name)) continue;
        rows.push({
          name: p.name,
          type: blockType(p.name, false, false, false),
          parent: '',
          major_minor: `${p.major}:${p.minor}`,
          size_bytes: p.blocks * 1024,
          model: '',
          vendor: '',
          serial_sha256: '',
          dm_name: '',
          rotational: null,
          removable: null,
          read_only: null,
        });
      }
    }
    return [{ name: 'block_devices', rows }];
  },
});
