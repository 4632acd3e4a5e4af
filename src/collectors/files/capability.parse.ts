/** Linux capability numbers (include/uapi/linux/capability.h). */
export const CAPABILITY_NAMES = [
  'cap_chown', 'cap_dac_override', 'cap_dac_read_search', 'cap_fowner', 'cap_fsetid', 'cap_kill', 'cap_setgid',
  'cap_setuid', 'cap_setpcap', 'cap_linux_immutable', 'cap_net_bind_service', 'cap_net_broadcast', 'cap_net_admin',
  'cap_net_raw', 'cap_ipc_lock', 'cap_ipc_owner', 'cap_sys_module', 'cap_sys_rawio', 'cap_sys_chroot', 'cap_sys_ptrace',
  'cap_sys_pacct', 'cap_sys_admin', 'cap_sys_boot', 'cap_sys_nice', 'cap_sys_resource', 'cap_sys_time',
  'cap_sys_tty_config', 'cap_mknod', 'cap_lease', 'cap_audit_write', 'cap_audit_control', 'cap_setfcap',
  'cap_mac_override', 'cap_mac_admin', 'cap_syslog', 'cap_wake_alarm', 'cap_block_suspend', 'cap_audit_read',
  'cap_perfmon', 'cap_bpf', 'cap_checkpoint_restore',
];

export interface FileCapabilities {
  version: 1 | 2 | 3;
  effective: boolean;
  permitted: string[];
  inheritable: string[];
  /** v3 (namespaced) capabilities: the root uid of the user namespace they apply to. */
  rootid: number | null;
}

const VFS_CAP_REVISION_MASK = 0xff000000;
const VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

function names(lo: number, hi: number): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    const set = bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1;
    if (set) out.push(CAPABILITY_NAMES[bit] ?? `cap_${bit}`);
  }
  return out;
}

/** Decodes a `security.capability` xattr value (struct vfs_cap_data / vfs_ns_cap_data, little-endian). */
export function parseFileCapabilities(value: Uint8Array): FileCapabilities {
  if (value.length < 4) throw new Error(`security.capability: ${value.length} bytes is too short`);
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const magic = dv.getUint32(0, true);
  const revision = (magic & VFS_CAP_REVISION_MASK) >>> 0;
  const effective = (magic & VFS_CAP_FLAGS_EFFECTIVE) !== 0;
  const expect = (len: number) => {
    if (value.length !== len) throw new Error(`security.capability revision 0x${revision.toString(16)}: expected ${len} bytes, got ${value.length}`);
  };
  if (revision === 0x01000000) {
    expect(12);
    return { version: 1, effective, permitted: names(dv.getUint32(4, true), 0), inheritable: names(dv.getUint32(8, true), 0), rootid: null };
  }
  if (revision !== 0x02000000 && revision !== 0x03000000) throw new Error(`security.capability: unknown revision 0x${revision.toString(16)}`);
  expect(revision === 0x02000000 ? 20 : 24);
  return {
    version: revision === 0x02000000 ? 2 : 3,
    effective,
    permitted: names(dv.getUint32(4, true), dv.getUint32(12, true)),
    inheritable: names(dv.getUint32(8, true), dv.getUint32(16, true)),
    rootid: revision === 0x03000000 ? dv.getUint32(20, true) : null,
  };
}

/**
 * The capabilities in getcap(8)'s text form: capabilities sharing the same flags are grouped,
 * `cap_net_admin,cap_net_raw=ep`; groups are separated by spaces.
 */
export function capabilitiesText(c: FileCapabilities): string {
  const groups = new Map<string, string[]>();
  for (const name of new Set([...c.permitted, ...c.inheritable])) {
    const p = c.permitted.includes(name);
    const flags = (c.effective && p ? 'e' : '') + (c.inheritable.includes(name) ? 'i' : '') + (p ? 'p' : '');
    groups.set(flags, [...(groups.get(flags) ?? []), name]);
  }
  return [...groups].map(([flags, caps]) => `${caps.join(',')}=${flags}`).join(' ');
}
