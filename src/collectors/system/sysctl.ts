import { HostFsError, isNotFound, type HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { dropInFiles } from './config-files.js';
import {
  applicableFiles,
  canonicalKey,
  effectiveSettings,
  keyOfPath,
  keyPath,
  normalizeValue,
  numericValue,
  parseSysctlConf,
  SYSCTL_CONF,
  SYSCTL_DIRS,
  type SysctlAssignment,
} from './sysctl.parse.js';

/** Kernel settings that harden or weaken a host; read on every host whatever the options say. */
export const SECURITY_SYSCTLS = [
  'kernel.kptr_restrict', 'kernel.dmesg_restrict', 'kernel.randomize_va_space', 'kernel.yama.ptrace_scope',
  'kernel.unprivileged_bpf_disabled', 'kernel.unprivileged_userns_clone', 'kernel.kexec_load_disabled',
  'kernel.modules_disabled', 'kernel.sysrq', 'kernel.perf_event_paranoid', 'kernel.core_pattern',
  'kernel.core_uses_pid', 'kernel.io_uring_disabled', 'kernel.panic_on_oops',
  'fs.protected_hardlinks', 'fs.protected_symlinks', 'fs.protected_fifos', 'fs.protected_regular', 'fs.suid_dumpable',
  'net.core.bpf_jit_harden',
  'net.ipv4.ip_forward', 'net.ipv4.tcp_syncookies', 'net.ipv4.icmp_echo_ignore_broadcasts',
  'net.ipv4.icmp_ignore_bogus_error_responses',
  'net.ipv4.conf.all.accept_redirects', 'net.ipv4.conf.default.accept_redirects',
  'net.ipv4.conf.all.secure_redirects', 'net.ipv4.conf.default.secure_redirects',
  'net.ipv4.conf.all.send_redirects', 'net.ipv4.conf.default.send_redirects',
  'net.ipv4.conf.all.accept_source_route', 'net.ipv4.conf.default.accept_source_route',
  'net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.default.rp_filter', 'net.ipv4.conf.all.log_martians',
  'net.ipv6.conf.all.forwarding', 'net.ipv6.conf.all.accept_redirects', 'net.ipv6.conf.default.accept_redirects',
  'net.ipv6.conf.all.accept_source_route', 'net.ipv6.conf.all.accept_ra',
  'vm.mmap_min_addr', 'vm.unprivileged_userfaultfd', 'user.max_user_namespaces', 'dev.tty.ldisc_autoload',
];

/** Keys whose value changes on every read (counters, a fresh random UUID): useless as a baseline. */
const VOLATILE_KEYS = new Set([
  'kernel.random.uuid', 'kernel.random.entropy_avail', 'kernel.ns_last_pid', 'fs.dentry-state', 'fs.inode-nr',
  'fs.inode-state', 'fs.file-nr', 'fs.aio-nr', 'net.netfilter.nf_conntrack_count',
]);

/** Bound of the `all` walk, so a host with thousands of interfaces cannot make it run away. */
const MAX_WALK_KEYS = 20_000;

/**
 * Live value of one key, or null when this kernel does not have it (or it cannot be read while
 * walking). Some keys refuse reads to anyone without a capability the exporter is not given in
 * a container (net.core.bpf_jit_* want CAP_SYS_ADMIN): reported through denied, not a failure.
 */
async function readLive(fs: HostFs, key: string, lenient: boolean, denied: (path: string, reason: string) => void): Promise<string | null> {
  try {
    return normalizeValue(await fs.readText(keyPath(key), { maxBytes: 256 * 1024 }));
  } catch (err) {
    if (isNotFound(err) || lenient) return null;
    if (err instanceof HostFsError && err.code === 'EACCES') {
      denied(err.hostPath, 'permission denied (the kernel shows this key only with more capabilities)');
      return null;
    }
    throw err;
  }
}

/** Every key under /proc/sys (for `all`), depth first, bounded. */
async function walkKeys(fs: HostFs, signal: AbortSignal): Promise<string[]> {
  const keys: string[] = [];
  const pending = [''];
  while (pending.length > 0 && keys.length < MAX_WALK_KEYS) {
    if (signal.aborted) throw new Error('/proc/sys: walk aborted');
    const rel = pending.pop()!;
    const entries = (await fs.readdirIfExists(`/proc/sys${rel ? '/' + rel : ''}`).catch(() => null)) ?? [];
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.type === 'dir') pending.push(child);
      else if (e.type === 'file') keys.push(keyOfPath(child));
    }
  }
  return keys.slice(0, MAX_WALK_KEYS);
}

/** The configuration files in systemd-sysctl order; a link to /dev/null masks a vendor file. */
async function configFiles(fs: HostFs): Promise<{ file: string; text: string }[]> {
  const listings = [];
  for (const dir of SYSCTL_DIRS) listings.push({ dir, names: await dropInFiles(fs, dir, '.conf') });
  const out: { file: string; text: string }[] = [];
  const seen = new Set<string>();
  for (const file of applicableFiles(listings)) {
    const target = await fs.canonical(file);
    if (target === '/dev/null') continue;
    seen.add(target);
    out.push({ file, text: await fs.readText(file) });
  }
  // Debian links /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf: read it once, not twice.
  if (!seen.has(await fs.canonical(SYSCTL_CONF))) {
    const text = await fs.readTextIfExists(SYSCTL_CONF);
    if (text !== null) out.push({ file: SYSCTL_CONF, text });
  }
  return out;
}

export const sysctl = defineCollector({
  name: 'sysctl',
  area: 'system',
  description: 'Kernel parameters: live /proc/sys values of security-relevant keys, and sysctl.d configuration that the live value contradicts.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  options: [
    { name: 'keys', type: 'strings', default: [], help: 'More keys to read (dotted, e.g. vm.swappiness), besides the security list and the configured keys.' },
    { name: 'all', type: 'bool', default: false, help: 'Read every readable key under /proc/sys (thousands of series on hosts with many interfaces).' },
  ],
  tables: [
    { name: 'sysctl', key: ['key'], description: 'Live values: the security list, configured keys, option keys.', drift: true },
    { name: 'sysctl_text', key: ['key'], description: 'Live values that are not a single integer (core_pattern, ranges).' },
    { name: 'sysctl_config', key: ['key'], description: 'The effective configured value of each key, its file, and whether the live value differs.', drift: true, volatile: ['line'] },
    { name: 'sysctl_summary', key: ['scope'], description: 'Counts of keys read, configured keys and mismatches.' },
  ],
  async collect(ctx) {
    const files = [];
    for (const { file, text } of await configFiles(ctx.fs)) {
      files.push({ file, assignments: parseSysctlConf(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`)) });
    }
    const configured = effectiveSettings(files);

    const wanted = new Map<string, string>(); // key → why it is read
    for (const k of SECURITY_SYSCTLS) wanted.set(k, 'security');
    for (const k of configured.keys()) if (!wanted.has(k)) wanted.set(k, 'config');
    for (const k of (ctx.options.keys as string[]).map(canonicalKey)) if (!wanted.has(k)) wanted.set(k, 'option');
    const walk = ctx.options.all === true;
    if (walk) for (const k of await walkKeys(ctx.fs, ctx.signal)) if (!wanted.has(k)) wanted.set(k, 'all');

    const live = new Map<string, string>();
    const rows: FactRow[] = [];
    const textRows: FactRow[] = [];
    for (const [key, why] of wanted) {
      if (ctx.signal.aborted) throw new Error('/proc/sys: aborted');
      if (why === 'all' && VOLATILE_KEYS.has(key)) continue;
      // Walked and configured keys may be write-only or refuse reads: skipped, not failures.
      const value = await readLive(ctx.fs, key, why === 'all' || why === 'config', ctx.parseError);
      if (value === null) continue;
      live.set(key, value);
      const numeric = numericValue(value);
      rows.push({ key, value, numeric, source: why });
      if (numeric === null) textRows.push({ key, value });
    }

    const configRows: FactRow[] = [...configured.values()].map((s: SysctlAssignment & { file: string }) => {
      const now = live.get(s.key) ?? null;
      return {
        key: s.key,
        value: s.value,
        file: s.file,
        line: s.line,
        ignore_errors: s.ignoreErrors,
        live: now,
        // A key this kernel lacks cannot be compared: only present, differing values are flagged.
        mismatch: now !== null && now !== s.value,
      };
    });
    const mismatches = configRows.filter((r) => r.mismatch).length;
    const summary: FactRow[] =
      rows.length + configRows.length > 0
        ? [{ scope: walk ? 'all' : 'selected', keys: rows.length, configured_keys: configRows.length, config_files: files.length, mismatches }]
        : [];
    return [
      { name: 'sysctl', rows },
      // Text values again on their own, for the _info family.
      { name: 'sysctl_text', rows: textRows },
      { name: 'sysctl_config', rows: configRows },
      { name: 'sysctl_summary', rows: summary },
    ];
  },
});
