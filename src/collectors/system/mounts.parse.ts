import { decodeOctalEscapes } from '../../host/procfs/octal.js';
import { normalizeMountpoint, type MountEntry } from '../../host/procfs/mounts.parse.js';
import { contentLines } from './config-files.js';

type OnBad = (line: number, reason: string) => void;

export type SpecType = 'uuid' | 'label' | 'partuuid' | 'partlabel' | 'path' | 'network' | 'other';

export interface FstabEntry {
  line: number;
  spec: string;
  specType: SpecType;
  /** The value after `UUID=` and friends (quotes removed), or the spec itself. */
  specValue: string;
  mountpoint: string;
  fstype: string;
  /** `defaults` when the field is absent, as mount(8) reads it. */
  options: string[];
  swap: boolean;
  noauto: boolean;
}

const TAGS: [string, SpecType][] = [
  ['UUID=', 'uuid'],
  ['LABEL=', 'label'],
  ['PARTUUID=', 'partuuid'],
  ['PARTLABEL=', 'partlabel'],
];

export function classifySpec(spec: string): { type: SpecType; value: string } {
  for (const [prefix, type] of TAGS) {
    if (spec.toUpperCase().startsWith(prefix)) return { type, value: spec.slice(prefix.length).replace(/^"(.*)"$/, '$1') };
  }
  // NFS "server:/export" and CIFS "//server/share".
  if (/^[^/\s]+:\//.test(spec) || spec.startsWith('//')) return { type: 'network', value: spec };
  if (spec.startsWith('/')) return { type: 'path', value: spec };
  return { type: 'other', value: spec };
}

/** Parses fstab(5). Swap lines keep their mount point field ("none" or "swap"). */
export function parseFstab(text: string, onBad?: OnBad): FstabEntry[] {
  const out: FstabEntry[] = [];
  for (const { no, text: line } of contentLines(text)) {
    const f = line.split(/\s+/);
    if (f.length < 3 || f.length > 6) {
      onBad?.(no, `expected 3 to 6 fields, got ${f.length}`);
      continue;
    }
    if ((f[4] !== undefined && !/^\d+$/.test(f[4])) || (f[5] !== undefined && !/^\d+$/.test(f[5]))) {
      onBad?.(no, 'dump and pass fields must be numbers');
      continue;
    }
    const spec = decodeOctalEscapes(f[0]!);
    const fstype = f[2]!;
    const options = (f[3] ?? 'defaults').split(',').filter(Boolean);
    const swap = fstype === 'swap';
    const mp = decodeOctalEscapes(f[1]!);
    if (!swap && !mp.startsWith('/') && mp !== 'none') {
      onBad?.(no, `mount point "${mp}" is not an absolute path`);
      continue;
    }
    const { type, value } = classifySpec(spec);
    out.push({
      line: no,
      spec,
      specType: type,
      specValue: value,
      mountpoint: swap ? mp : normalizeMountpoint(mp),
      fstype,
      options,
      swap,
      noauto: options.includes('noauto'),
    });
  }
  return out;
}

/** Active swap areas from /proc/swaps (the header line is skipped). */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((f) => f.startsWith('/'))
    .map(decodeOctalEscapes);
}

/**
 * File systems that the kernel, systemd or a container runtime mounts by itself:
 * they are never in fstab, so "mounted but not in fstab" would be noise for them.
 */
export const PSEUDO_FSTYPES = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'securityfs', 'cgroup', 'cgroup2', 'pstore', 'efivarfs', 'bpf',
  'debugfs', 'tracefs', 'configfs', 'fusectl', 'hugetlbfs', 'mqueue', 'autofs', 'binfmt_misc', 'rpc_pipefs',
  'nsfs', 'selinuxfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'fuse.lxcfs',
]);

/** Where systemd mounts tmpfs and friends at boot (/run, /dev/shm, tmp.mount): not from fstab. */
export const RUNTIME_TMPFS_PREFIXES = ['/run', '/dev', '/sys', '/proc', '/tmp'];
const RUNTIME_TMPFS_TYPES = new Set(['tmpfs', 'ramfs', 'overlay', 'squashfs', 'nsfs']);

/** Trees of container runtimes and snapd, which mount (overlays, binds, squashfs) at run time. */
export const CONTAINER_MOUNT_PREFIXES = [
  '/var/lib/docker', '/var/lib/containers', '/var/lib/containerd', '/run/containerd', '/var/lib/kubelet',
  '/var/lib/lxc', '/var/lib/lxd', '/var/snap', '/snap',
];

function under(p: string, prefix: string): boolean {
  return p === prefix || p.startsWith(prefix + '/');
}

/** True for mounts that no one writes into fstab (see the constants above). */
export function isRuntimeMount(m: Pick<MountEntry, 'mountpoint' | 'fstype'>): boolean {
  if (PSEUDO_FSTYPES.has(m.fstype)) return true;
  if (CONTAINER_MOUNT_PREFIXES.some((p) => under(m.mountpoint, p))) return true;
  // Only throwaway file systems are exempt under /run, /tmp…: an ext4 on /tmp belongs in fstab.
  return RUNTIME_TMPFS_TYPES.has(m.fstype) && RUNTIME_TMPFS_PREFIXES.some((p) => under(m.mountpoint, p));
}

/** The security options of a mount or fstab entry. `ro` from fstab means mounted read-only. */
export function securityOptions(options: string[]): { ro: boolean; nosuid: boolean; nodev: boolean; noexec: boolean } {
  const has = (o: string) => options.includes(o);
  return { ro: has('ro'), nosuid: has('nosuid'), nodev: has('nodev'), noexec: has('noexec') };
}

export interface JoinedMount extends MountEntry {
  /** 0 for the first mount on this mount point, 1 for one mounted over it, … */
  layer: number;
  /** null when the host has no /etc/fstab: nothing to compare with. */
  inFstab: boolean | null;
  runtime: boolean;
  /** Mounted, not a runtime mount, and not in an existing fstab. */
  notInFstab: boolean;
}

export interface JoinedFstabEntry extends FstabEntry {
  /** For swap: active in /proc/swaps; null when that cannot be told. */
  mounted: boolean | null;
  /** In fstab, mounted at boot (no `noauto`), but not mounted now. */
  notMounted: boolean;
}

/** Joins the mount table with fstab by mount point (swap entries through `swapActive`). */
export function joinMounts(
  mounts: MountEntry[],
  fstab: FstabEntry[] | null,
  swapActive: (e: FstabEntry) => boolean | null,
): { mounts: JoinedMount[]; fstab: JoinedFstabEntry[] } {
  const configured = new Set((fstab ?? []).filter((e) => !e.swap).map((e) => e.mountpoint));
  const mounted = new Set(mounts.map((m) => m.mountpoint));
  const layers = new Map<string, number>();
  const joinedMounts = mounts.map((m) => {
    const layer = layers.get(m.mountpoint) ?? 0;
    layers.set(m.mountpoint, layer + 1);
    const runtime = isRuntimeMount(m);
    const inFstab = fstab === null ? null : configured.has(m.mountpoint);
    return { ...m, layer, inFstab, runtime, notInFstab: inFstab === false && !runtime };
  });
  const joinedFstab = (fstab ?? []).map((e) => {
    const isMounted = e.swap ? swapActive(e) : e.mountpoint === 'none' ? null : mounted.has(e.mountpoint);
    return { ...e, mounted: isMounted, notMounted: isMounted === false && !e.noauto };
  });
  return { mounts: joinedMounts, fstab: joinedFstab };
}
