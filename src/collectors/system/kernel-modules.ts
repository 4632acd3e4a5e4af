import { HostFsError, isNotFound, type HostFs } from '../../host/hostfs.js';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readValue } from './common.js';
import {
  decodeTaintMask,
  isCompressedModule,
  parseModulesBuiltin,
  parseModulesDep,
  parseProcModules,
  parseTaintMask,
  SIGNATURE_MAGIC,
  signatureOf,
  treeOfPath,
  type ModuleTree,
  type Signature,
} from './kernel-modules.parse.js';
import { parseProcVersion } from './kernel.parse.js';

async function runningRelease(fs: HostFs): Promise<string> {
  const release = await readValue(fs, '/proc/sys/kernel/osrelease');
  if (release) return release;
  const version = await fs.readTextIfExists('/proc/version');
  return (version && parseProcVersion(version)?.release) || '';
}

/**
 * Whether a module file ends with the kernel's signature marker. Only the last
 * bytes are read (a positional read), so even a 60 MB module costs one small read.
 */
async function signatureOfFile(fs: HostFs, file: string): Promise<Signature> {
  if (isCompressedModule(file)) return 'unknown';
  let opened;
  try {
    opened = await fs.open(file);
  } catch (err) {
    if (isNotFound(err)) return 'unknown'; // listed in modules.dep but gone from disk
    throw err;
  }
  const { handle, stats } = opened;
  try {
    const n = SIGNATURE_MAGIC.length;
    if (stats.size < n) return 'unsigned';
    const tail = Buffer.alloc(n);
    const { bytesRead } = await handle.read(tail, 0, n, stats.size - n);
    return signatureOf(tail.subarray(0, bytesRead));
  } catch (err) {
    throw new HostFsError(file, 'EIO', (err as Error).message);
  } finally {
    await handle.close().catch(() => {});
  }
}

export const kernelModules = defineCollector({
  name: 'kernel_modules',
  area: 'system',
  description:
    'Loaded kernel modules (/proc/modules) with their taint letters, whether each is in-tree or out-of-tree and signed (from /lib/modules/<running release>), and the kernel taint mask decoded.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    { name: 'kernel_modules', key: ['name'], description: 'One row per loaded module.', drift: true, volatile: ['refcount', 'used_by'] },
    { name: 'kernel_modules_summary', key: [], description: 'Counts of loaded modules and the kernel taint mask.' },
    { name: 'kernel_taint', key: ['flag'], description: 'The bits of /proc/sys/kernel/tainted, set or not.', drift: true },
  ],
  options: [
    {
      name: 'check_signatures',
      type: 'bool',
      default: true,
      help: 'When the kernel does not check module signatures itself, read uncompressed module files to see whether they carry an appended signature.',
    },
  ],
  async collect(ctx) {
    const { fs } = ctx;
    const release = await runningRelease(fs);
    const modulesText = await fs.readTextIfExists('/proc/modules');
    const loaded = modulesText === null ? [] : parseProcModules(modulesText, (line, reason) => ctx.parseError('/proc/modules', `line ${line}: ${reason}`));
    const base = release ? `/lib/modules/${release}` : '';
    const depText = base && loaded.length ? await fs.readTextIfExists(`${base}/modules.dep`) : null;
    const files = depText === null ? new Map<string, string>() : parseModulesDep(depText);
    const builtinText = base ? await fs.readTextIfExists(`${base}/modules.builtin`) : null;
    const builtin = builtinText === null ? null : parseModulesBuiltin(builtinText);

    // Present only in kernels built with CONFIG_MODULE_SIG: they check every module at load
    // time and taint the unsigned ones E, so a module without E carries a valid signature.
    const sigEnforceText = await readValue(fs, '/sys/module/module/parameters/sig_enforce');
    const kernelChecksSignatures = sigEnforceText !== null;

    const rows: FactRow[] = [];
    for (const m of loaded) {
      if (ctx.signal.aborted) throw new Error('kernel_modules: timed out');
      const sysTaint = (await readValue(fs, `/sys/module/${m.name}/taint`)) ?? '';
      const taints = [...new Set(m.taints + sysTaint)].sort().join('');
      const rel = files.get(m.name);
      const file = rel === undefined ? '' : rel.startsWith('/') ? rel : `${base}/${rel}`;
      const tree: ModuleTree = taints.includes('O') ? 'out_of_tree' : rel ? treeOfPath(rel) : 'unknown';
      let signature: Signature = 'unknown';
      let signatureSource = '';
      if (taints.includes('E')) [signature, signatureSource] = ['unsigned', 'kernel'];
      else if (kernelChecksSignatures) [signature, signatureSource] = ['signed', 'kernel'];
      else if (file && ctx.options.check_signatures) {
        signature = await signatureOfFile(fs, file);
        if (signature !== 'unknown') signatureSource = 'file';
      }
      rows.push({
        name: m.name,
        size_bytes: m.size,
        refcount: m.refcount,
        used_by: m.usedBy.join(','),
        state: m.state,
        taints,
        file,
        tree,
        signature,
        signature_source: signatureSource,
        proprietary: taints.includes('P'),
        forced: taints.includes('F'),
        staging: taints.includes('C'),
      });
    }

    const maskText = await fs.readTextIfExists('/proc/sys/kernel/tainted');
    const mask = maskText === null ? null : parseTaintMask(maskText);
    if (maskText !== null && mask === null) throw new Error('/proc/sys/kernel/tainted: not a decimal number');
    const taintRows: FactRow[] =
      mask === null ? [] : decodeTaintMask(mask).map((f) => ({ bit: f.bit, flag: f.name, letter: f.letter, description: f.description, set: f.set }));
    const summary: FactRow[] =
      modulesText === null && mask === null
        ? []
        : [
            {
              // null (no series) for a kernel without module support
              loaded: modulesText === null ? null : rows.length,
              out_of_tree: modulesText === null ? null : rows.filter((r) => r.tree === 'out_of_tree').length,
              unsigned: modulesText === null ? null : rows.filter((r) => r.signature === 'unsigned').length,
              builtin: builtin === null ? null : builtin.size,
              // null when the kernel does not check module signatures at all
              sig_enforce: sigEnforceText === null ? null : sigEnforceText === 'Y' || sigEnforceText === '1',
              tainted: mask,
            },
          ];
    return [
      { name: 'kernel_modules', rows },
      { name: 'kernel_modules_summary', rows: summary },
      { name: 'kernel_taint', rows: taintRows },
    ];
  },
});
