import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHashes } from '../../src/collectors/files/file-hashes.js';
import { bufferSource } from '../../src/host/byte-source.js';
import { parseElf } from '../../src/collectors/files/elf.parse.js';
import { collectOnce, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';


const HAS_READELF = hasProgram('readelf');
const HAS_SETCAP = hasProgram('setcap') && hasProgram('getcap');
const HAS_SHA256SUM = hasProgram('sha256sum');

/** A few ELF files of this machine: executables and shared libraries. */
const ELF_FILES = ['/bin/ls', '/bin/sh', '/usr/bin/env', '/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libm.so.6', process.execPath].filter(
  (f) => {
    try {
      readFileSync(f, { flag: 'r' }).subarray(0, 4);
      return true;
    } catch {
      return false;
    }
  },
);

describe.skipIf(!HAS_READELF)('ELF parser against readelf', () => {
  for (const file of ELF_FILES) {
    it(`${file}: NEEDED, SONAME, RPATH/RUNPATH, type, machine, entry, interpreter, section names`, async () => {
      const r = await parseElf(bufferSource(readFileSync(file)));
      if (!r.ok) throw new Error(r.error);
      const elf = r.elf;
      const dyn = execFileSync('readelf', ['-dW', file], { encoding: 'utf8' });
      const tagged = (tag: string) => [...dyn.matchAll(new RegExp(`\\(${tag}\\)\\s+[^\\[]*\\[([^\\]]*)\\]`, 'g'))].map((m) => m[1]);
      expect(elf.needed).toEqual(tagged('NEEDED'));
      expect(elf.soname).toBe(tagged('SONAME')[0] ?? null);
      expect(elf.rpath).toBe(tagged('RPATH')[0] ?? null);
      expect(elf.runpath).toBe(tagged('RUNPATH')[0] ?? null);
      const hdr = execFileSync('readelf', ['-hW', file], { encoding: 'utf8' });
      expect(hdr).toContain(`Type:                              ${elf.type}`);
      expect(hdr).toMatch(new RegExp(`Entry point address:\\s+${elf.entry}\\b`));
      expect(hdr).toContain(elf.class === 64 ? 'ELF64' : 'ELF32');
      const seg = execFileSync('readelf', ['-lW', file], { encoding: 'utf8' });
      expect(elf.interpreter).toBe(/Requesting program interpreter: ([^\]]+)\]/.exec(seg)?.[1] ?? null);
      const sec = execFileSync('readelf', ['-SW', file], { encoding: 'utf8' });
      const names = [...sec.matchAll(/^\s+\[\s*\d+\]\s+(\S*)\s+[A-Z_]+/gm)].map((m) => m[1]).filter((n) => n !== 'NULL');
      expect(elf.sections.map((s) => s.name).filter(Boolean)).toEqual(names.filter(Boolean));
      expect(elf.pie).toBe(/DYN \(Position-Independent Executable file\)/.test(hdr));
      expect(elf.bindNow).toBe(/\((BIND_NOW)\)|Flags:.*\bNOW\b|FLAGS\).*BIND_NOW/.test(dyn));
    });
  }
});

describe.skipIf(!HAS_SETCAP)('file capabilities against setcap/getcap', () => {
  it('a copy with cap_net_raw+ep reports that capability', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'bin'));
    const target = path.join(root, 'bin', 'pinger');
    copyFileSync('/bin/true', target);
    execFileSync('setcap', ['cap_net_raw+ep', target]);
    const getcap = execFileSync('getcap', [target], { encoding: 'utf8' }).trim();
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/bin'] } });
    expect(r.tables.file_capabilities).toEqual([{ path: '/bin/pinger', capabilities: 'cap_net_raw=ep' }]);
    expect(getcap.endsWith(' cap_net_raw=ep')).toBe(true);
    expect(r.samples).toContain('hostbaseline_file_capabilities_info{path="/bin/pinger",capabilities="cap_net_raw=ep"} 1');
    // Capabilities change ctime, not mtime: the cached hash must not hide a new capability.
    execFileSync('setcap', ['cap_net_admin,cap_net_raw+eip', target]);
    const again = await collectOnce(fileHashes, root, { options: { paths: ['/bin'] } });
    expect(again.tables.file_capabilities![0]!.capabilities).toBe(execFileSync('getcap', [target], { encoding: 'utf8' }).trim().split(' ').slice(1).join(' '));
  });
});

describe.skipIf(!HAS_SHA256SUM)('hashes against sha256sum/md5sum', () => {
  it('every hashed file has the sha256sum digest', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'data'));
    for (let i = 0; i < 5; i++) writeFileSync(path.join(root, 'data', `f${i}`), Buffer.alloc(100_000 * i + 3, i));
    copyFileSync('/bin/ls', path.join(root, 'data', 'ls'));
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/data'], hashes: ['sha256', 'md5'] } });
    for (const f of r.tables.files!) {
      const real = path.join(root, String(f.path));
      expect(f.sha256).toBe(execFileSync('sha256sum', [real], { encoding: 'utf8' }).split(' ')[0]);
      expect(f.md5).toBe(execFileSync('md5sum', [real], { encoding: 'utf8' }).split(' ')[0]);
    }
    expect(r.tables.files).toHaveLength(6);
  });
});
