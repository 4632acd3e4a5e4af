import type { HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { readMountTable } from '../../host/procfs/mount-table.js';
import { joinMounts, parseFstab, parseSwaps, securityOptions, type FstabEntry } from './mounts.parse.js';

const FSTAB = '/etc/fstab';

/** Where udev publishes the tagged names of fstab specs (UUID=, LABEL=, …). */
const BY_TAG: Record<string, string> = {
  uuid: '/dev/disk/by-uuid/',
  label: '/dev/disk/by-label/',
  partuuid: '/dev/disk/by-partuuid/',
  partlabel: '/dev/disk/by-partlabel/',
};

/** The device node an fstab spec names, or null when this host cannot tell (no udev links). */
async function specDevice(fs: HostFs, e: FstabEntry): Promise<string | null> {
  const link = e.specType === 'path' ? e.spec : BY_TAG[e.specType] ? BY_TAG[e.specType] + e.specValue : null;
  if (!link || !(await fs.exists(link))) return null;
  return fs.canonical(link);
}

/** For swap lines: is the named device or file an active swap area? null when unknown. */
async function swapChecker(fs: HostFs, fstab: FstabEntry[]): Promise<(e: FstabEntry) => boolean | null> {
  const swaps = await fs.readTextIfExists('/proc/swaps');
  if (swaps === null) return () => null;
  const active = new Set<string>();
  for (const s of parseSwaps(swaps)) active.add(await fs.canonical(s).catch(() => s));
  const devices = new Map<FstabEntry, string | null>();
  for (const e of fstab) if (e.swap) devices.set(e, await specDevice(fs, e));
  return (e) => {
    const dev = devices.get(e);
    return dev ? active.has(dev) : null;
  };
}

export const mounts = defineCollector({
  name: 'mounts',
  area: 'system',
  description: 'Mounted file systems (/proc/1/mounts) joined with /etc/fstab: security options, unexpected and missing mounts.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'mounts', key: ['mountpoint', 'layer'], description: 'One row per mount, in mount order per mount point.', drift: true },
    { name: 'fstab', key: ['mountpoint', 'spec'], description: 'Entries of /etc/fstab and whether each is mounted.', drift: true, volatile: ['line'] },
    { name: 'mount_drift', key: ['mountpoint', 'reason'], description: 'Mounted but not in fstab, or in fstab but not mounted.', drift: true },
    { name: 'mount_summary', key: ['source'], description: 'Counts of mounts, fstab entries and both drift kinds.' },
  ],
  async collect(ctx) {
    const onBad = (source: string, reason: string) => ctx.parseError(source, reason);
    const table = await readMountTable(ctx.fs, onBad);
    const fstabText = await ctx.fs.readTextIfExists(FSTAB);
    const fstab = fstabText === null ? null : parseFstab(fstabText, (line, reason) => onBad(FSTAB, `line ${line}: ${reason}`));
    const uniqueFstab = dedupe(fstab, (e) => onBad(FSTAB, `line ${e.line}: duplicate of an earlier entry for ${e.mountpoint}`));
    const joined = joinMounts(table?.mounts ?? [], uniqueFstab, await swapChecker(ctx.fs, uniqueFstab ?? []));

    const mountRows: FactRow[] = joined.mounts.map((m) => ({
      mountpoint: m.mountpoint,
      layer: m.layer,
      device: m.device,
      fstype: m.fstype,
      options: m.options.join(','),
      ...securityOptions(m.options),
      runtime: m.runtime,
      in_fstab: m.inFstab,
    }));
    const fstabRows: FactRow[] = joined.fstab.map((e) => ({
      mountpoint: e.mountpoint,
      spec: e.spec,
      spec_type: e.specType,
      fstype: e.fstype,
      options: e.options.join(','),
      ...securityOptions(e.options),
      swap: e.swap,
      noauto: e.noauto,
      mounted: e.mounted,
      line: e.line,
    }));
    const drift = new Map<string, FactRow>();
    const addDrift = (r: FactRow) => drift.set(`${r.mountpoint}\0${r.reason}`, r);
    for (const m of joined.mounts.filter((x) => x.notInFstab))
      addDrift({ mountpoint: m.mountpoint, reason: 'mounted_not_in_fstab', fstype: m.fstype, source: m.device });
    for (const e of joined.fstab.filter((x) => x.notMounted))
      addDrift({ mountpoint: e.swap ? e.spec : e.mountpoint, reason: 'in_fstab_not_mounted', fstype: e.fstype, source: e.spec });
    const driftRows = [...drift.values()];
    const count = (reason: string) => driftRows.filter((r) => r.reason === reason).length;
    const summary: FactRow[] = table || fstab
      ? [
          {
            source: table?.source ?? '',
            mounts: mountRows.length,
            fstab_present: fstab !== null,
            fstab_entries: fstabRows.length,
            mounted_not_in_fstab: count('mounted_not_in_fstab'),
            in_fstab_not_mounted: count('in_fstab_not_mounted'),
          },
        ]
      : [];
    return [
      { name: 'mounts', rows: mountRows },
      { name: 'fstab', rows: fstabRows },
      { name: 'mount_drift', rows: driftRows },
      { name: 'mount_summary', rows: summary },
    ];
  },
});

/** Drops a repeated (mount point, spec) line; the first one counts, as mount -a does. */
function dedupe(fstab: FstabEntry[] | null, onDuplicate: (e: FstabEntry) => void): FstabEntry[] | null {
  if (!fstab) return null;
  const seen = new Set<string>();
  return fstab.filter((e) => {
    const k = `${e.mountpoint}\0${e.spec}`;
    if (!seen.has(k)) {
      seen.add(k);
      return true;
    }
    onDuplicate(e);
    return false;
  });
}
