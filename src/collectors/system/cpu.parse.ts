import { splitColonLine } from './common.js';

export interface CpuinfoProcessor {
  processor: string;
  vendor: string;
  modelName: string;
  family: string;
  model: string;
  stepping: string;
  microcode: string;
  flags: Set<string>;
}

/**
 * Parses /proc/cpuinfo into one record per logical CPU (stanzas separated by
 * blank lines). x86 names (`vendor_id`, `model name`, `flags`) and Arm ones
 * (`CPU implementer`, `Features`) are both understood.
 */
export function parseCpuinfo(text: string): CpuinfoProcessor[] {
  const out: CpuinfoProcessor[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const kv = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const pair = splitColonLine(line);
      if (pair && !kv.has(pair[0])) kv.set(pair[0], pair[1]);
    }
    if (!kv.has('processor')) continue; // Arm's trailing "Hardware : …" stanza and garbage
    out.push({
      processor: kv.get('processor')!,
      vendor: kv.get('vendor_id') ?? kv.get('CPU implementer') ?? '',
      modelName: kv.get('model name') ?? kv.get('Processor') ?? kv.get('cpu model') ?? '',
      family: kv.get('cpu family') ?? kv.get('CPU architecture') ?? '',
      model: kv.get('model') ?? kv.get('CPU part') ?? '',
      stepping: kv.get('stepping') ?? kv.get('CPU revision') ?? '',
      microcode: kv.get('microcode') ?? '',
      flags: new Set((kv.get('flags') ?? kv.get('Features') ?? '').split(/\s+/).filter(Boolean)),
    });
  }
  return out;
}

/** CPU flags that say which protections the processor offers (or that it is virtual). */
export const SECURITY_FLAGS: Record<string, string> = {
  nx: 'no-execute pages',
  smep: 'supervisor mode execution prevention',
  smap: 'supervisor mode access prevention',
  umip: 'user mode instruction prevention',
  pku: 'memory protection keys',
  ibt: 'indirect branch tracking (CET)',
  user_shstk: 'user shadow stacks (CET)',
  pti: 'kernel page table isolation active',
  ibrs: 'indirect branch restricted speculation',
  ibrs_enhanced: 'enhanced IBRS',
  ibpb: 'indirect branch prediction barrier',
  stibp: 'single thread indirect branch predictors',
  ssbd: 'speculative store bypass disable',
  md_clear: 'CPU buffer clearing (MDS mitigation)',
  flush_l1d: 'L1 data cache flush (L1TF mitigation)',
  sme: 'AMD secure memory encryption',
  sev: 'AMD secure encrypted virtualization',
  sev_es: 'AMD SEV encrypted state',
  sev_snp: 'AMD SEV secure nested paging',
  tme: 'Intel total memory encryption',
  aes: 'AES instructions',
  sha_ni: 'SHA instructions',
  rdrand: 'hardware random numbers (RDRAND)',
  rdseed: 'hardware random seeds (RDSEED)',
  vmx: 'Intel virtualization (VT-x)',
  svm: 'AMD virtualization (AMD-V)',
  hypervisor: 'running under a hypervisor',
};

/** A flag counts as present only when every logical CPU has it. */
export function flagsOnAllCpus(cpus: CpuinfoProcessor[]): Set<string> {
  if (cpus.length === 0) return new Set();
  return new Set([...cpus[0]!.flags].filter((f) => cpus.every((c) => c.flags.has(f))));
}

export type VulnerabilityStatus = 'not_affected' | 'mitigated' | 'vulnerable' | 'unknown';

/** The state of a file of /sys/devices/system/cpu/vulnerabilities (`Not affected`, `Vulnerable…`, `Mitigation: …`). */
export function vulnerabilityStatus(state: string): VulnerabilityStatus {
  const s = state.trim();
  if (/^Not affected/i.test(s)) return 'not_affected';
  if (/^Vulnerable/i.test(s)) return 'vulnerable';
  if (/^Mitigation/i.test(s)) return 'mitigated';
  return 'unknown';
}
