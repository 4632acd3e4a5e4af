import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readValue } from './common.js';
import { flagsOnAllCpus, parseCpuinfo, SECURITY_FLAGS, vulnerabilityStatus } from './cpu.parse.js';
import { CPU_MODES, parseProcStat, USER_HZ } from '../../host/procfs/stat.parse.js';

const VULNERABILITIES = '/sys/devices/system/cpu/vulnerabilities';
const SMT = '/sys/devices/system/cpu/smt';

export const cpu = defineCollector({
  name: 'cpu',
  area: 'system',
  description: 'CPU time per mode (/proc/stat), CPU models and security-relevant flags (/proc/cpuinfo), the kernel view of CPU vulnerabilities, and the SMT state.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'cpu_time', key: ['mode'], description: 'CPU seconds per mode, summed over all CPUs since boot.', volatile: ['seconds'] },
    { name: 'cpu_model', key: ['vendor', 'model_name', 'family', 'model', 'stepping', 'microcode'], description: 'Distinct CPU models and how many logical CPUs have each.', drift: true },
    { name: 'cpu_flags', key: ['flag'], description: 'Security-relevant CPU flags, present on every logical CPU or not.', drift: true },
    { name: 'cpu_vulnerabilities', key: ['name'], description: 'CPU vulnerabilities and the kernel mitigation state.', drift: true },
    { name: 'cpu_smt', key: [], description: 'Simultaneous multithreading: control setting and whether sibling threads run.', drift: true },
  ],
  async collect(ctx) {
    const { fs } = ctx;
    const statText = await fs.readTextIfExists('/proc/stat');
    const stat = statText === null ? null : parseProcStat(statText, (line, reason) => ctx.parseError('/proc/stat', `line ${line}: ${reason}`));
    const timeRows: FactRow[] = [];
    for (const mode of CPU_MODES) {
      const jiffies = stat?.cpu[mode];
      if (jiffies !== undefined) timeRows.push({ mode, seconds: jiffies / USER_HZ });
    }

    const cpuinfoText = await fs.readTextIfExists('/proc/cpuinfo');
    const cpus = cpuinfoText === null ? [] : parseCpuinfo(cpuinfoText);
    if (cpuinfoText !== null && cpuinfoText.trim() !== '' && cpus.length === 0) throw new Error('/proc/cpuinfo: no "processor" stanza');
    const models = new Map<string, FactRow>();
    for (const c of cpus) {
      const row = { vendor: c.vendor, model_name: c.modelName, family: c.family, model: c.model, stepping: c.stepping, microcode: c.microcode };
      const id = Object.values(row).join('\0');
      const seen = models.get(id);
      if (seen) (seen.logical_cpus as number)++;
      else models.set(id, { ...row, logical_cpus: 1 });
    }
    const common = flagsOnAllCpus(cpus);
    const flagRows: FactRow[] = cpus.length
      ? Object.entries(SECURITY_FLAGS).map(([flag, description]) => ({ flag, present: common.has(flag), description }))
      : [];

    const vulnRows: FactRow[] = [];
    for (const e of (await fs.readdirIfExists(VULNERABILITIES)) ?? []) {
      if (e.type === 'dir') continue;
      const state = (await readValue(fs, `${VULNERABILITIES}/${e.name}`)) ?? '';
      const status = vulnerabilityStatus(state);
      vulnRows.push({ name: e.name, state, status, vulnerable: status === 'vulnerable' });
    }
    // SMT shares core buffers between threads (L1TF, MDS): some mitigations need it off.
    const smtControl = await readValue(fs, `${SMT}/control`);
    const smtActive = await readValue(fs, `${SMT}/active`);
    const smtRows: FactRow[] =
      smtControl === null && smtActive === null ? [] : [{ control: smtControl ?? '', active: smtActive === null ? null : smtActive === '1' }];
    return [
      { name: 'cpu_time', rows: timeRows },
      { name: 'cpu_model', rows: [...models.values()] },
      { name: 'cpu_flags', rows: flagRows },
      { name: 'cpu_vulnerabilities', rows: vulnRows },
      { name: 'cpu_smt', rows: smtRows },
    ];
  },
});
