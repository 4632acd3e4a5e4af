import { redactOptionList } from '../../util/redact.js';
import { contentLines } from './common.js';

/** One line of /etc/fstab as fstab_options reads it (the mounts collector has its own FstabEntry with spec types). */
export interface FstabOptionsLine {
  device: string;
  mountPoint: string;
  fstype: string;
  options: string[];
  line: number;
}

/** fstab(5) fields escape blanks as octal (`\040`). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses fstab(5): `device mountpoint type options [dump [pass]]`. */
export function parseFstab(text: string, onBad?: (line: number, reason: string) => void): FstabOptionsLine[] {
  const out: FstabOptionsLine[] = [];
  for (const { line, text: t } of contentLines(text, /^\s*#.*$/)) {
    const f = t.split(/\s+/);
    if (f.length < 3 || f.length > 6 || (f[4] !== undefined && !/^\d+$/.test(f[4])) || (f[5] !== undefined && !/^\d+$/.test(f[5]))) {
      onBad?.(line, 'expected "device mountpoint type options [dump [pass]]"');
      continue;
    }
    out.push({ device: unescape(f[0]!), mountPoint: unescape(f[1]!), fstype: f[2]!, options: (f[3] ?? 'defaults').split(','), line });
  }
  return out;
}

/** Options whose values are credentials (cifs `password=`, davfs, sshfs) keep their name only (src/util/redact.ts). */
export function sanitizeOptions(options: string[]): string[] {
  return redactOptionList(options);
}

const NETWORK_TYPES = /^(nfs|nfs4|cifs|smb3|smbfs|ncpfs|glusterfs|ceph|cephfs|lustre|afs|9p|davfs|fuse\.sshfs|sshfs|fuse\.s3fs|s3fs|fuse\.rclone|gfs2|ocfs2)$/;

/** Network file systems: a remote party controls their content. */
export function isNetworkMount(e: FstabOptionsLine): boolean {
  return NETWORK_TYPES.test(e.fstype) || e.options.includes('_netdev') || /^[^/=]+:\//.test(e.device) || e.device.startsWith('//');
}

/** The last of each pair wins, as mount(8) applies options left to right; `defaults` means suid, dev, exec. */
export function hasFlag(options: string[], flag: 'nosuid' | 'noexec' | 'nodev'): boolean {
  const positive = flag.slice(2);
  let on = false;
  for (const o of options) {
    if (o === flag) on = true;
    else if (o === positive || o === 'defaults') on = false;
    // "user"/"users" imply noexec, nosuid, nodev unless overridden later
    else if (o === 'user' || o === 'users') on = true;
  }
  return on;
}

/** Mount points that must not carry setuid programs, device files or (for temp dirs) executables. */
export const HARDENED: Record<string, ('nosuid' | 'noexec' | 'nodev')[]> = {
  '/tmp': ['nosuid', 'nodev', 'noexec'],
  '/var/tmp': ['nosuid', 'nodev', 'noexec'],
  '/dev/shm': ['nosuid', 'nodev', 'noexec'],
  '/home': ['nosuid', 'nodev'],
};
