import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpu } from '../../../src/collectors/system/cpu.js';
import { flagsOnAllCpus, parseCpuinfo, vulnerabilityStatus } from '../../../src/collectors/system/cpu.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot, rootWithFifoAt, rootWithLoopAt } from './roots.js';

// host-a's /proc/cpuinfo and vulnerabilities are copies of the development machine's.
const REAL_CPUINFO = readFileSync(fixturePath('host-a/proc/cpuinfo'), 'utf8');

const ARM_CPUINFO = `processor\t: 0
BogoMIPS\t: 48.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

processor\t: 1
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics
CPU implementer\t: 0x41
CPU architecture: 8
CPU part\t: 0xd0c
CPU revision\t: 1
`;

describe('parseCpuinfo', () => {
  it('reads the real x86 cpuinfo of this machine', () => {
    const cpus = parseCpuinfo(REAL_CPUINFO);
    expect(cpus).toHaveLength(2);
    expect(cpus[0]).toMatchObject({ processor: '0', vendor: 'AuthenticAMD', modelName: 'AMD EPYC', family: '26', model: '2', stepping: '1', microcode: '0x1000065' });
    const flags = flagsOnAllCpus(cpus);
    for (const f of ['nx', 'smep', 'smap', 'aes', 'rdrand', 'hypervisor']) expect(flags.has(f)).toBe(true);
    expect(flags.has('pti')).toBe(false);
  });
  it('reads Arm cpuinfo', () => {
    const cpus = parseCpuinfo(ARM_CPUINFO);
    expect(cpus).toHaveLength(2);
    expect(cpus[1]).toMatchObject({ vendor: '0x41', family: '8', model: '0xd0c', stepping: '1' });
    expect(flagsOnAllCpus(cpus).has('aes')).toBe(true);
  });
  it('keeps what a truncated file has and ignores garbage', () => {
    const truncated = REAL_CPUINFO.slice(0, REAL_CPUINFO.indexOf('flags'));
    expect(parseCpuinfo(truncated)).toHaveLength(1);
    expect(parseCpuinfo(truncated)[0]!.flags.size).toBe(0);
    expect(parseCpuinfo('\u0000\u0001 garbage\nno colon here\n')).toEqual([]);
  });
  it('counts a flag only when every CPU has it', () => {
    const cpus = parseCpuinfo('processor: 0\nflags: nx smep\n\nprocessor: 1\nflags: nx\n');
    expect([...flagsOnAllCpus(cpus)]).toEqual(['nx']);
    expect(flagsOnAllCpus([]).size).toBe(0);
  });
});

describe('vulnerabilityStatus', () => {
  it('classifies the kernel states', () => {
    expect(vulnerabilityStatus('Not affected\n')).toBe('not_affected');
    expect(vulnerabilityStatus('Vulnerable: Safe RET, no microcode')).toBe('vulnerable');
    expect(vulnerabilityStatus('Vulnerable')).toBe('vulnerable');
    expect(vulnerabilityStatus('Mitigation: Retpolines; STIBP: disabled; RSB filling')).toBe('mitigated');
    expect(vulnerabilityStatus('Unknown: No mitigations')).toBe('unknown');
    expect(vulnerabilityStatus('')).toBe('unknown');
  });
});

describe('cpu collector', () => {
  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(cpu, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.cpu_time!.find((r) => r.mode === 'user')).toEqual({ mode: 'user', seconds: 425.07 });
    expect(tables.cpu_model).toEqual([{ vendor: 'AuthenticAMD', model_name: 'AMD EPYC', family: '26', model: '2', stepping: '1', microcode: '0x1000065', logical_cpus: 2 }]);
    expect(tables.cpu_flags!.find((r) => r.flag === 'nx')?.present).toBe(true);
    const vulnerable = tables.cpu_vulnerabilities!.filter((r) => r.vulnerable).map((r) => r.name);
    expect(vulnerable).toEqual(['spec_rstack_overflow', 'spec_store_bypass']);
    expect(tables.cpu_vulnerabilities).toHaveLength(19);
    expect(tables.cpu_smt).toEqual([{ control: 'notsupported', active: false }]);
  });
  it('reads SMT switched on', async () => {
    const { tables } = await collectOnce(cpu, hostRoot({ 'sys/devices/system/cpu/smt/control': 'on\n', 'sys/devices/system/cpu/smt/active': '1\n' }));
    expect(tables.cpu_smt).toEqual([{ control: 'on', active: true }]);
  });
  it('succeeds with no rows on an empty root', async () => {
    const { state, tables } = await collectOnce(cpu, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(Object.values(tables).flat()).toEqual([]);
  });
  it('fails on a cpuinfo with no processor, a FIFO or a symlink loop', async () => {
    expect((await collectOnce(cpu, hostRoot({ 'proc/cpuinfo': 'garbage garbage\n' }))).state.lastError).toMatch(/\/proc\/cpuinfo: no "processor"/);
    expect((await collectOnce(cpu, rootWithFifoAt('proc/cpuinfo'))).state.lastError).toMatch(/\/proc\/cpuinfo: not a regular file/);
    expect((await collectOnce(cpu, rootWithLoopAt('sys/devices/system/cpu/vulnerabilities/meltdown'))).state.lastError).toMatch(/meltdown: too many levels/);
  });
});
