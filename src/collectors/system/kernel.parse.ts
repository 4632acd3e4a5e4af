import { redactAssignment } from '../../util/redact.js';
import { compareVersionPart } from './debian-version.js';

export interface KernelVersion {
  release: string;
  /** The build string after the release: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)`. */
  version: string;
  /** Who built it and with what compiler, as /proc/version says (`(gcc-12 (Debian 12.2.0-14) 12.2.0, …)`). */
  compiler: string;
}

/** Parses /proc/version: `Linux version <release> (<builder>) (<compiler>) #<build…>`. Null when it is not that. */
export function parseProcVersion(text: string): KernelVersion | null {
  const line = text.split('\n')[0]!.trim();
  const m = /^Linux version (\S+)(.*)$/.exec(line);
  if (!m) return null;
  const rest = m[2]!;
  const hash = rest.indexOf(' #');
  const parens = (hash >= 0 ? rest.slice(0, hash) : rest).trim();
  // The compiler is the last parenthesised group (it nests: "(gcc (GCC) 15.3.0, GNU ld …)").
  const groups = topLevelGroups(parens);
  return {
    release: m[1]!,
    version: hash >= 0 ? rest.slice(hash + 1).trim() : '',
    compiler: groups.length > 1 ? groups[groups.length - 1]! : '',
  };
}

function topLevelGroups(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') {
      if (depth++ === 0) start = i + 1;
    } else if (s[i] === ')' && depth > 0) {
      if (--depth === 0) out.push(s.slice(start, i));
    }
  }
  return out;
}

export interface CmdlineParam {
  /** Position on the command line (parameters may repeat, e.g. `console=`). */
  position: number;
  name: string;
  value: string | null;
  /** Why the parameter weakens the system's security, or '' when it does not. */
  concern: string;
}

type Rule = (value: string | null) => string | null;
const STANDARD_INITS = new Set(['/sbin/init', '/lib/systemd/systemd', '/usr/lib/systemd/systemd', '/bin/systemd', '/usr/sbin/init']);
const offValue = (v: string | null): boolean => v !== null && /^(0|off|no|n|false|disable|disabled)$/i.test(v);

/** Parameters that switch protections off or change what runs as PID 1. */
const RULES: Record<string, Rule> = {
  init: (v) => (STANDARD_INITS.has(v ?? '') ? null : `init replaced by ${v ?? ''}`),
  rdinit: (v) => (v === '/init' ? null : `initramfs init replaced by ${v ?? ''}`),
  selinux: (v) => (offValue(v) ? 'SELinux disabled' : null),
  enforcing: (v) => (offValue(v) ? 'SELinux permissive' : null),
  apparmor: (v) => (offValue(v) ? 'AppArmor disabled' : null),
  security: (v) => (v === '' || v === 'none' ? 'no LSM' : null),
  lsm: () => 'LSM list overridden',
  mitigations: (v) => (v === 'off' ? 'CPU vulnerability mitigations off' : null),
  nokaslr: () => 'kernel address space layout randomisation off',
  nopti: () => 'page table isolation off',
  pti: (v) => (v === 'off' ? 'page table isolation off' : null),
  nosmep: () => 'SMEP off',
  nosmap: () => 'SMAP off',
  nospectre_v1: () => 'Spectre v1 mitigation off',
  nospectre_v2: () => 'Spectre v2 mitigation off',
  spectre_v2: (v) => (v === 'off' ? 'Spectre v2 mitigation off' : null),
  spec_store_bypass_disable: (v) => (v === 'off' ? 'SSB mitigation off' : null),
  mds: (v) => (v === 'off' ? 'MDS mitigation off' : null),
  l1tf: (v) => (v === 'off' ? 'L1TF mitigation off' : null),
  tsx: (v) => (v === 'on' ? 'TSX forced on' : null),
  'module.sig_enforce': (v) => (offValue(v) ? 'module signature enforcement off' : null),
  ima_appraise: (v) => (v === 'off' || v === 'fix' || v === 'log' ? `IMA appraisal ${v}` : null),
  audit: (v) => (offValue(v) ? 'audit disabled' : null),
  lockdown: (v) => (v === 'none' ? 'lockdown none' : null),
  iommu: (v) => (v === 'off' ? 'IOMMU off' : null),
  intel_iommu: (v) => (v === 'off' ? 'IOMMU off' : null),
  amd_iommu: (v) => (v === 'off' ? 'IOMMU off' : null),
  'rd.break': () => 'boots into an initramfs shell',
  single: () => 'single-user mode',
  emergency: () => 'emergency shell',
  'systemd.debug-shell': (v) => (v === null || !offValue(v) ? 'debug shell on tty9' : null),
  'systemd.unit': (v) => (v === 'rescue.target' || v === 'emergency.target' ? `boots into ${v}` : null),
};
/** The kernel and systemd treat `-` and `_` in parameter names alike. */
const normalName = (name: string): string => name.replace(/-/g, '_');
const RULES_BY_NAME = new Map(Object.entries(RULES).map(([k, v]) => [normalName(k), v]));

/**
 * A value fit to leave the host (src/util/redact.ts): secrets (`rd.iscsi.password=`) become
 * `<redacted>`, URLs (`inst.ks=http://user:pass@host/ks.cfg`, `netroot=iscsi:user:pass@…`) lose their password.
 */
export function redactParamValue(name: string, value: string): string {
  return redactAssignment(name, value);
}

/**
 * Splits /proc/cmdline into parameters the way the kernel does: spaces separate,
 * double quotes group, `--` ends the kernel's part (the rest goes to init and is
 * not reported). Returns the parameters and how many arguments went to init.
 */
export function parseCmdline(text: string): { params: CmdlineParam[]; initArgs: number } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (const c of text.replace(/\n$/, '')) {
    if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  const params: CmdlineParam[] = [];
  const end = words.indexOf('--');
  const kernelWords = end >= 0 ? words.slice(0, end) : words;
  kernelWords.forEach((w, i) => {
    const eq = w.indexOf('=');
    const name = eq >= 0 ? w.slice(0, eq) : w;
    const value = eq >= 0 ? redactParamValue(name, w.slice(eq + 1)) : null;
    const rule = RULES_BY_NAME.get(normalName(name));
    params.push({ position: i, name, value, concern: rule?.(value) ?? '' });
  });
  return { params, initArgs: end >= 0 ? words.length - end - 1 : 0 };
}

/** The release of a kernel image name in /boot (`vmlinuz-6.1.0-18-amd64`), or null for other files. */
export function releaseOfImage(file: string): string | null {
  const m = /^(?:vmlinuz|vmlinux|kernel|bzImage)-(.+)$/.exec(file);
  if (!m) return null;
  const release = m[1]!;
  // Fedora's rescue image and backup copies are not kernel releases.
  if (release.includes('-rescue-') || /\.(old|bak|sig|hmac)$/.test(release)) return null;
  return release;
}

/** Kernel releases from newest to oldest, in Debian version order. */
export function sortReleasesNewestFirst(releases: Iterable<string>): string[] {
  return [...new Set(releases)].sort((a, b) => compareVersionPart(b, a));
}

export type RebootReason = 'none' | 'newer_kernel_installed' | 'reboot_required_file' | 'newer_kernel_installed,reboot_required_file';

/** A reboot is pending when a newer kernel than the running one is installed, or a package asked for one. */
export function rebootPending(running: string, installed: string[], requiredFile: boolean): { pending: boolean; reason: RebootReason; newest: string } {
  const newest = sortReleasesNewestFirst(installed)[0] ?? '';
  const newer = newest !== '' && running !== '' && compareVersionPart(newest, running) > 0;
  const reason: RebootReason =
    newer && requiredFile ? 'newer_kernel_installed,reboot_required_file' : newer ? 'newer_kernel_installed' : requiredFile ? 'reboot_required_file' : 'none';
  return { pending: newer || requiredFile, reason, newest };
}
