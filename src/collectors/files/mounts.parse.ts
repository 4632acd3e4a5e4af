export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** /proc/<pid>/mounts (fstab format): fields are space-separated, spaces inside escaped as \040. */
export function parseMounts(text: string, onBad?: (line: number, reason: string) => void): Mount[] {
  const out: Mount[] = [];
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.split(' ');
    if (f.length < 4 || !f[1]!.startsWith('/')) {
      onBad?.(i + 1, 'expected device, mount point, type and options');
      return;
    }
    out.push({ device: unescape(f[0]!), mountPoint: unescape(f[1]!), fsType: f[2]!, options: f[3]!.split(',') });
  });
  return out;
}

/** Kernel and virtual filesystems: nothing installed there can be a setuid program worth a walk. */
const PSEUDO = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'securityfs', 'cgroup', 'cgroup2', 'pstore', 'bpf', 'debugfs', 'tracefs',
  'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'binfmt_misc', 'autofs', 'rpc_pipefs', 'nsfs', 'efivarfs', 'selinuxfs',
  'ramfs', 'nfsd', 'fuse.gvfsd-fuse', 'fuse.portal', 'squashfs', 'iso9660',
]);
/** Network filesystems: walking them is slow and their setuid bits are the server's business. */
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'ceph', 'glusterfs', 'fuse.sshfs', 'afs', 'lustre', 'fuse.glusterfs']);

/** Mounts where a setuid file would take effect: not nosuid, not pseudo, not network. */
export function suidCapableMounts(mounts: Mount[]): Mount[] {
  return mounts.filter((m) => !m.options.includes('nosuid') && !PSEUDO.has(m.fsType) && !NETWORK.has(m.fsType));
}
