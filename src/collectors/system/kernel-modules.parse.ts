import { parseCount } from './common.js';

export interface LoadedModule {
  name: string;
  size: number;
  refcount: number | null;
  usedBy: string[];
  state: string;
  /** Taint letters of this module, e.g. `OE` (out-of-tree, unsigned). */
  taints: string;
}

/**
 * Parses /proc/modules: `name size refcount deps state offset [(taints)]`, deps `-`
 * or `a,b,`; refcount is `-` for modules that cannot be unloaded.
 */
export function parseProcModules(text: string, onBadLine?: (line: number, reason: string) => void): LoadedModule[] {
  const out: LoadedModule[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const size = parseCount(f[1]);
    const refcount = f[2] === '-' ? null : parseCount(f[2]);
    if (f.length < 5 || !/^[\w-]+$/.test(f[0]!) || size === null || (refcount === null && f[2] !== '-')) {
      onBadLine?.(i + 1, 'expected "name size refcount deps state offset"');
      continue;
    }
    const taint = /\(([A-Z]+)\)$/.exec(line);
    out.push({
      name: f[0]!,
      size,
      refcount,
      usedBy: f[3] === '-' ? [] : f[3]!.split(',').filter(Boolean),
      state: f[4]!,
      taints: taint ? taint[1]! : '',
    });
  }
  return out;
}

export interface TaintFlag {
  bit: number;
  letter: string;
  name: string;
  description: string;
}

/** Bits of /proc/sys/kernel/tainted, from the kernel's Documentation/admin-guide/tainted-kernels.rst. */
export const TAINT_FLAGS: TaintFlag[] = [
  { bit: 0, letter: 'P', name: 'proprietary_module', description: 'a proprietary module was loaded' },
  { bit: 1, letter: 'F', name: 'forced_module', description: 'a module was force-loaded' },
  { bit: 2, letter: 'S', name: 'cpu_out_of_spec', description: 'the kernel runs on an out-of-specification system' },
  { bit: 3, letter: 'R', name: 'forced_rmmod', description: 'a module was force-unloaded' },
  { bit: 4, letter: 'M', name: 'machine_check', description: 'a machine check exception happened' },
  { bit: 5, letter: 'B', name: 'bad_page', description: 'a bad page was referenced or unexpected page flags seen' },
  { bit: 6, letter: 'U', name: 'user', description: 'taint requested by user space' },
  { bit: 7, letter: 'D', name: 'die', description: 'the kernel died recently (OOPS or BUG)' },
  { bit: 8, letter: 'A', name: 'overridden_acpi_table', description: 'an ACPI table was overridden' },
  { bit: 9, letter: 'W', name: 'warn', description: 'the kernel issued a warning' },
  { bit: 10, letter: 'C', name: 'staging_module', description: 'a staging driver was loaded' },
  { bit: 11, letter: 'I', name: 'firmware_workaround', description: 'a workaround for a platform firmware bug is applied' },
  { bit: 12, letter: 'O', name: 'out_of_tree_module', description: 'an externally-built (out-of-tree) module was loaded' },
  { bit: 13, letter: 'E', name: 'unsigned_module', description: 'an unsigned module was loaded' },
  { bit: 14, letter: 'L', name: 'soft_lockup', description: 'a soft lockup occurred' },
  { bit: 15, letter: 'K', name: 'livepatch', description: 'the kernel has been live patched' },
  { bit: 16, letter: 'X', name: 'aux', description: 'auxiliary taint, defined by distributions' },
  { bit: 17, letter: 'T', name: 'randstruct', description: 'kernel built with the struct randomization plugin' },
  { bit: 18, letter: 'N', name: 'test', description: 'an in-kernel test has been run' },
  { bit: 19, letter: 'J', name: 'fwctl', description: 'user space used a mutating debug operation in fwctl' },
];

/** The taint mask as a decimal number, or null when the text is not one. */
export function parseTaintMask(text: string): number | null {
  return parseCount(text.trim());
}

/** The set flags of a taint mask, each flag with whether it is set; unknown bits come as `bit_<n>`. */
export function decodeTaintMask(mask: number): (TaintFlag & { set: boolean })[] {
  const out = TAINT_FLAGS.map((f) => ({ ...f, set: Math.floor(mask / 2 ** f.bit) % 2 === 1 }));
  for (let bit = TAINT_FLAGS.length; 2 ** bit <= mask; bit++) {
    if (Math.floor(mask / 2 ** bit) % 2 === 1) out.push({ bit, letter: '?', name: `bit_${bit}`, description: 'a taint bit this exporter does not know', set: true });
  }
  return out;
}

/** The name the kernel gives a module file: `kernel/fs/fuse/fuse.ko.xz` → `fuse`, dashes as underscores. */
export function moduleNameOfPath(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Module name → file path (relative to /lib/modules/<release>, or absolute) from modules.dep. */
export function parseModulesDep(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon).trim();
    if (/\.ko(\.(xz|zst|gz))?$/.test(file)) out.set(moduleNameOfPath(file), file);
  }
  return out;
}

/** Names of modules built into the kernel, from modules.builtin (one path a line). */
export function parseModulesBuiltin(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) if (line.trim()) out.add(moduleNameOfPath(line.trim()));
  return out;
}

export type ModuleTree = 'in_tree' | 'out_of_tree' | 'unknown';

/** In-tree modules are installed under kernel/; DKMS and vendor modules go to updates/ or extra/. */
export function treeOfPath(relPath: string): ModuleTree {
  const p = relPath.replace(/^\/lib\/modules\/[^/]+\//, '').replace(/^\/usr\/lib\/modules\/[^/]+\//, '');
  if (p.startsWith('kernel/')) return 'in_tree';
  if (/^(updates|extra|dkms|weak-updates)\//.test(p)) return 'out_of_tree';
  return 'unknown';
}

export const SIGNATURE_MAGIC = '~Module signature appended~\n';

export type Signature = 'signed' | 'unsigned' | 'unknown';

/** Whether an uncompressed module file ends with the kernel's signature marker; compressed ones are `unknown`. */
export function isCompressedModule(file: string): boolean {
  return /\.ko\.(xz|zst|gz)$/.test(file);
}

export function signatureOf(bytes: Buffer): Signature {
  const magic = Buffer.from(SIGNATURE_MAGIC, 'latin1');
  if (bytes.length < magic.length) return 'unsigned';
  return bytes.subarray(bytes.length - magic.length).equals(magic) ? 'signed' : 'unsigned';
}
