import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deb } from '../../../src/collectors/software/deb.js';
import { parseDpkgStatus } from '../../../src/collectors/software/deb.parse.js';
import { collectOnce, fixturePath, schedulerFor } from '../../helpers.js';
import { hostWith } from './host.js';

const STANZA = (name: string, status = 'install ok installed', extra = '') =>
  `Package: ${name}\nStatus: ${status}\nArchitecture: amd64\nVersion: 1.0-1\n${extra}Description: x\n long text\n .\n more\n`;

describe('parseDpkgStatus', () => {
  it('reads name, version, arch, source and state', () => {
    const e = parseDpkgStatus(STANZA('bash', 'install ok installed', 'Source: bash (5.2-1)\n') + '\n' + STANZA('libc6', 'install ok installed', 'Source: glibc\n'));
    expect(e).toEqual([
      { name: 'bash', version: '1.0-1', arch: 'amd64', source: 'bash', sourceVersion: '5.2-1', state: 'installed', want: 'install' },
      { name: 'libc6', version: '1.0-1', arch: 'amd64', source: 'glibc', sourceVersion: '1.0-1', state: 'installed', want: 'install' },
    ]);
  });

  it('tolerates CRLF and several blank lines between stanzas', () => {
    const text = (STANZA('a') + '\n\n\n' + STANZA('b')).replace(/\n/g, '\r\n');
    expect(parseDpkgStatus(text).map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('skips and reports stanzas without Package or with a malformed Status', () => {
    const bad: string[] = [];
    const e = parseDpkgStatus(
      'Status: install ok installed\nVersion: 1\n\n' + STANZA('x', 'install ok') + '\n' + STANZA('good') + '\nPackage: y\nno colon here\nStatus: install ok installed\n',
      (line, reason) => bad.push(`${line}: ${reason}`),
    );
    expect(e.map((x) => x.name)).toEqual(['good']);
    expect(bad).toEqual(['1: stanza without Package', '4: x: malformed Status "install ok"', '22: line 23: expected "Field: value"']);
  });

  it('a truncated last stanza is reported, the rest kept', () => {
    const text = STANZA('a') + '\n' + 'Package: b\nStat';
    const bad: string[] = [];
    expect(parseDpkgStatus(text, (l, r) => bad.push(r)).map((e) => e.name)).toEqual(['a']);
    expect(bad).toHaveLength(1);
  });
});

describe('deb collector', () => {
  it('reports installed packages of the fixture host, counts states', async () => {
    const { state, tables, samples } = await collectOnce(deb, fixturePath('host-a'));
    expect(state.success).toBe(true);
    const pk = tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`);
    expect(pk).toEqual([
      'base-files 12.4+deb12u5 amd64',
      'bash 5.2.15-2+b2 amd64',
      'curl 7.88.1-10+deb12u8 amd64',
      'libc6 2.36-9+deb12u4 amd64',
      'libc6 2.36-9+deb12u4 i386',
      'openssh-server 1:9.2p1-2+deb12u2 amd64',
    ]);
    const ssh = tables.packages!.find((r) => r.name === 'openssh-server')!;
    expect(ssh).toMatchObject({ source: 'openssh', source_version: '1:9.2p1-2+deb12u2', hold: true });
    expect(tables.packages!.find((r) => r.name === 'bash')).toMatchObject({ source: 'bash', source_version: '5.2.15-2' });
    expect(tables.package_count).toEqual([{ manager: 'deb', count: 6 }]);
    expect(tables.deb_package_states).toEqual([
      { state: 'config-files', count: 1 },
      { state: 'half-installed', count: 1 },
      { state: 'installed', count: 6 },
    ]);
    expect(samples).toContain('hostbaseline_packages{manager="deb"} 6\n');
  });

  it('keeps the count exact when series are capped', async () => {
    const { state, samples } = await collectOnce(deb, fixturePath('host-a'), { maxSeries: 2 });
    expect(samples.match(/^hostbaseline_package_info\{/gm)).toHaveLength(2);
    expect(samples).toContain('hostbaseline_packages{manager="deb"} 6\n');
    expect(state.droppedTotal).toBe(4);
  });

  it('succeeds with zero rows when dpkg is absent', async () => {
    const { state, tables } = await collectOnce(deb, fixturePath('host-empty'));
    expect(state.success).toBe(true);
    expect(tables.packages).toEqual([]);
    expect(tables.package_count).toEqual([{ manager: 'deb', count: 0 }]);
  });

  it('fails naming the file when the status file is garbage', async () => {
    const root = hostWith({ '/var/lib/dpkg/status': Buffer.from([0, 1, 2, 255, 254, 10, 200, 13, 10, 7]) });
    const { state } = await collectOnce(deb, root);
    expect(state.success).toBe(false);
    expect(state.lastError).toContain('/var/lib/dpkg/status');
  });

  it('reports a truncated status file up to the cut, counting the broken stanza', async () => {
    const full = STANZA('a') + '\n' + STANZA('b') + '\n' + STANZA('c');
    const root = hostWith({ '/var/lib/dpkg/status': full.slice(0, full.indexOf('Package: c') + 14) });
    const { state, tables } = await collectOnce(deb, root);
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => r.name)).toEqual(['a', 'b']);
    expect(state.parseErrorsTotal).toBe(1);
  });

  it('fails on an oversized status file, naming it', async () => {
    const root = hostWith({ '/var/lib/dpkg/status': STANZA('a').repeat(100) });
    const { state } = await collectOnce(deb, root, { maxFileBytes: 1000 });
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/\/var\/lib\/dpkg\/status: file too large/);
  });

  it('fails when the status file is a directory or a FIFO', async () => {
    const dirRoot = hostWith({});
    mkdirSync(path.join(dirRoot, 'var/lib/dpkg/status'), { recursive: true });
    expect((await collectOnce(deb, dirRoot)).state.lastError).toMatch(/\/var\/lib\/dpkg\/status: not a regular file/);
    const fifoRoot = hostWith({});
    mkdirSync(path.join(fifoRoot, 'var/lib/dpkg'), { recursive: true });
    execFileSync('mkfifo', [path.join(fifoRoot, 'var/lib/dpkg/status')]);
    expect((await collectOnce(deb, fifoRoot)).state.lastError).toMatch(/\/var\/lib\/dpkg\/status: not a regular file/);
  });

  it('parses the status file again only when it changed', async () => {
    const root = hostWith({ '/var/lib/dpkg/status': STANZA('a') });
    const scheduler = schedulerFor([deb], root);
    const names = async () => (await scheduler.runNow('deb')).tables!.find((t) => t.name === 'packages')!.rows.map((r) => r.name);
    expect(await names()).toEqual(['a']);
    expect(await names()).toEqual(['a']);
    writeFileSync(path.join(root, 'var/lib/dpkg/status.new'), STANZA('a') + '\n' + STANZA('b'));
    execFileSync('mv', [path.join(root, 'var/lib/dpkg/status.new'), path.join(root, 'var/lib/dpkg/status')]); // as dpkg does
    expect(await names()).toEqual(['a', 'b']);
  });

  it('fails naming the file when the status file is a symlink loop', async () => {
    const root = hostWith({});
    mkdirSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
    symlinkSync('status.b', path.join(root, 'var/lib/dpkg/status'));
    symlinkSync('status', path.join(root, 'var/lib/dpkg/status.b'));
    const { state } = await collectOnce(deb, root);
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/^\/var\/lib\/dpkg\/status: too many levels of symbolic links/);
  });
});
