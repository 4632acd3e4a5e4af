import { HostFsError, isNotFound, type HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { readBlockHeader } from './block-header.js';
import { devPath, parseCryptUuid, parseLuksHeader, type CryptMapping } from './disk-encryption.parse.js';
import { readMountTable } from '../../host/procfs/mount-table.js';

/** Enough for the LUKS1 header with its key slots and the LUKS2 binary header. */
const HEADER_BYTES = 4096;

interface BlockDevice {
  name: string;
  /** "major:minor" */
  dev: string;
  sectors: number;
  dmName: string;
  crypt: CryptMapping | null;
  slaves: string[];
}

async function readSmall(fs: HostFs, p: string): Promise<string | null> {
  const t = await fs.readTextIfExists(p, { maxBytes: 4096 });
  return t === null ? null : t.trim();
}

/** Block devices and partitions from sysfs, with their device-mapper identity. */
async function blockDevices(fs: HostFs): Promise<BlockDevice[]> {
  const base = (await fs.exists('/sys/class/block')) ? '/sys/class/block' : '/sys/block';
  const out: BlockDevice[] = [];
  for (const e of (await fs.readdirIfExists(base)) ?? []) {
    const dir = `${base}/${e.name}`;
    const dmUuid = (await readSmall(fs, `${dir}/dm/uuid`)) ?? '';
    out.push({
      name: e.name,
      dev: (await readSmall(fs, `${dir}/dev`)) ?? '',
      sectors: Number((await readSmall(fs, `${dir}/size`)) ?? '0') || 0,
      dmName: (await readSmall(fs, `${dir}/dm/name`)) ?? '',
      crypt: parseCryptUuid(dmUuid),
      slaves: ((await fs.readdirIfExists(`${dir}/slaves`)) ?? []).map((s) => s.name),
    });
  }
  return out;
}

/** The block device a mount's source names: through /dev links, /dev/mapper names, or the device number. */
async function blockOf(fs: HostFs, source: string, devices: BlockDevice[]): Promise<BlockDevice | null> {
  if (!source.startsWith('/dev/')) return null;
  const canonical = await fs.canonical(source).catch(() => source);
  const byName = devices.find((d) => devPath(d.name) === canonical);
  if (byName) return byName;
  const mapper = /^\/dev\/mapper\/(.+)$/.exec(source)?.[1];
  const byMapper = mapper ? devices.find((d) => d.dmName === mapper) : undefined;
  if (byMapper) return byMapper;
  const st = await fs.statIfExists(source).catch(() => null);
  if (!st?.isBlockDevice()) return null;
  const rdev = st.rdev;
  const dev = `${(rdev >> 8) & 0xfff}:${(rdev & 0xff) | ((rdev >> 12) & 0xfff00)}`;
  return devices.find((d) => d.dev === dev) ?? null;
}

/** The dm-crypt mapping under a device, through LVM and other stacked layers; null when none. */
function cryptBelow(d: BlockDevice, byName: Map<string, BlockDevice>, depth = 0): BlockDevice | null {
  if (d.crypt) return d;
  if (depth > 16) return null;
  for (const s of d.slaves) {
    const below = byName.get(s);
    const found = below ? cryptBelow(below, byName, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

export const diskEncryption = defineCollector({
  name: 'disk_encryption',
  area: 'system',
  description: 'Disk encryption: dm-crypt mappings (/sys/block/dm-*/dm/uuid), LUKS headers of block devices, and whether / sits on dm-crypt.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 20 * SECOND,
  options: [
    { name: 'read_headers', type: 'bool', default: true, help: 'Read the first 4 KiB of each block device under /dev to find LUKS headers (needs read access to the device nodes).' },
  ],
  tables: [
    { name: 'encrypted_volumes', key: ['name'], description: 'Open dm-crypt mappings and the devices under them.', drift: true },
    { name: 'luks_headers', key: ['device'], description: 'Block devices that start with a LUKS header (open or not).', drift: true },
    { name: 'root_encryption', key: ['mountpoint'], description: 'Whether the root file system sits on a dm-crypt mapping.', drift: true },
    { name: 'encryption_summary', key: ['scope'], description: 'Counts of mappings and LUKS devices.' },
  ],
  async collect(ctx) {
    const devices = await blockDevices(ctx.fs);
    const byName = new Map(devices.map((d) => [d.name, d]));
    const volumes: FactRow[] = devices
      .filter((d) => d.crypt)
      .map((d) => ({ name: d.dmName || d.name, dm_device: d.name, type: d.crypt!.type, luks_uuid: d.crypt!.uuid, device: d.slaves.join(',') }));

    const headers: FactRow[] = [];
    let unreadable = 0;
    if (ctx.options.read_headers !== false) {
      const mappedOn = new Set(devices.filter((d) => d.crypt).flatMap((d) => d.slaves));
      for (const d of devices) {
        if (ctx.signal.aborted) throw new Error('disk_encryption: aborted');
        // Open crypt mappings hold plaintext; empty devices (detached loops, a CD drive without a disc) have nothing to read.
        if (d.crypt || d.sectors === 0) continue;
        const node = devPath(d.name);
        if (!(await ctx.fs.exists(node))) continue;
        let head: Buffer;
        try {
          head = await readBlockHeader(ctx.fs, node, HEADER_BYTES);
        } catch (err) {
          if (isNotFound(err)) continue; // the device went away, or has no medium
          // A device cgroup or missing CAP_SYS_RAWIO denies device nodes: the sysfs facts still
          // stand, and the count of devices left unchecked says what could not be seen.
          if (err instanceof HostFsError && err.code === 'EACCES') {
            unreadable++;
            continue;
          }
          throw err;
        }
        const h = parseLuksHeader(head);
        if (!h) continue;
        headers.push({ device: d.name, version: h.version, uuid: h.uuid, label: h.label, cipher: h.cipher, active_keyslots: h.activeKeyslots, open: mappedOn.has(d.name) });
      }
    }

    const root: FactRow[] = [];
    const table = await readMountTable(ctx.fs, (source, reason) => ctx.parseError(source, reason));
    const rootMount = table?.mounts.filter((m) => m.mountpoint === '/').at(-1);
    if (rootMount) {
      const dev = await blockOf(ctx.fs, rootMount.device, devices);
      const crypt = dev ? cryptBelow(dev, byName) : null;
      root.push({
        mountpoint: '/',
        device: rootMount.device,
        // Not a block device we know (overlay, NFS root, a container): cannot tell.
        encrypted: dev ? crypt !== null : null,
        mapping: crypt ? crypt.dmName || crypt.name : '',
      });
    }
    const found = devices.length > 0 || root.length > 0;
    return [
      { name: 'encrypted_volumes', rows: volumes },
      { name: 'luks_headers', rows: headers },
      { name: 'root_encryption', rows: root },
      { name: 'encryption_summary', rows: found ? [{ scope: 'host', encrypted_volumes: volumes.length, luks_devices: headers.length, unreadable_devices: unreadable }] : [] },
    ];
  },
});
