import type { MountEntry } from '../../host/procfs/mounts.parse.js';

/** Kernel and virtual filesystems: nothing installed there can be a setuid program worth a walk. */
const PSEUDO = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'securityfs', 'cgroup', 'cgroup2', 'pstore', 'bpf', 'debugfs', 'tracefs',
  'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'binfmt_misc', 'autofs', 'rpc_pipefs', 'nsfs', 'efivarfs', 'selinuxfs',
  'ramfs', 'nfsd', 'fuse.gvfsd-fuse', 'fuse.portal', 'squashfs', 'iso9660',
]);
/** Network filesystems: walking them is slow and their setuid bits are the server's business. */
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'ceph', 'glusterfs', 'fuse.sshfs', 'afs', 'lustre', 'fuse.glusterfs']);

/** Mounts where a setuid file would take effect: not nosuid, not pseudo, not network. */
export function suidCapableMounts(mounts: MountEntry[]): MountEntry[] {
  return mounts.filter((m) => !m.options.includes('nosuid') && !PSEUDO.has(m.fstype) && !NETWORK.has(m.fstype));
}
