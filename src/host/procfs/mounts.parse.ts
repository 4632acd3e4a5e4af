import { decodeOctalEscapes } from './octal.js';

type OnBad = (line: number, reason: string) => void;

/** One mount, whether it comes from /proc/<pid>/mounts or /proc/<pid>/mountinfo. */
export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

/** Trailing slashes do not make another mount point ("/mnt/data/" is "/mnt/data"). */
export function normalizeMountpoint(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
}

/** Parses /proc/<pid>/mounts (fstab format, fields octal-escaped), in mount order. */
export function parseMounts(text: string, onBad?: OnBad): MountEntry[] {
  const out: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !f[1]!.startsWith('/')) {
      onBad?.(i + 1, 'expected "device mountpoint fstype options …"');
      continue;
    }
    out.push({
      device: decodeOctalEscapes(f[0]!),
      mountpoint: normalizeMountpoint(decodeOctalEscapes(f[1]!)),
      fstype: f[2]!,
      options: f[3]!.split(','),
    });
  }
  return out;
}

/**
 * Parses /proc/<pid>/mountinfo (proc(5)): `id parent major:minor root mountpoint options
 * [optional fields…] - fstype source super-options`. Options are merged the way
 * /proc/<pid>/mounts shows them: the per-mount ones, then the superblock's (without its rw/ro).
 */
export function parseMountInfo(text: string, onBad?: OnBad): MountEntry[] {
  const out: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    const dash = f.indexOf('-', 6);
    if (f.length < 10 || dash < 0 || f.length < dash + 3 || !f[4]!.startsWith('/') || !/^\d+:\d+$/.test(f[2]!)) {
      onBad?.(i + 1, 'expected "id parent major:minor root mountpoint options … - fstype source super-options"');
      continue;
    }
    const superOptions = (f[dash + 3] ?? '').split(',').filter((o) => o !== '' && o !== 'rw' && o !== 'ro');
    const options = f[5]!.split(',');
    out.push({
      device: decodeOctalEscapes(f[dash + 2]!),
      mountpoint: normalizeMountpoint(decodeOctalEscapes(f[4]!)),
      fstype: f[dash + 1]!,
      options: [...options, ...superOptions.filter((o) => !options.includes(o))],
    });
  }
  return out;
}
