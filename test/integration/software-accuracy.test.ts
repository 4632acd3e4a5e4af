import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deb } from '../../src/collectors/software/deb.js';
import { npmPackages } from '../../src/collectors/software/npm-packages.js';
import { pythonPackages } from '../../src/collectors/software/python-packages.js';
import { rpm } from '../../src/collectors/software/rpm.js';
import { collectOnce, tempDir } from '../helpers.js';

const CI = process.env.CI === 'true';

function which(program: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** In CI a missing tool fails the test; elsewhere the test is skipped. */
function withTools(programs: string[]): { run: boolean; missing: string[] } {
  const missing = programs.filter((p) => !which(p));
  return { run: missing.length === 0 || CI, missing };
}

const sorted = (lines: Iterable<string>) => [...lines].filter(Boolean).sort();

const dpkg = withTools(['dpkg-query']);
describe.skipIf(!dpkg.run)('deb collector against this machine (dpkg-query)', () => {
  it('reports exactly the installed packages dpkg-query lists', async () => {
    expect(dpkg.missing, 'dpkg-query must be installed in CI').toEqual([]);
    const out = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture}\n'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const expected = sorted(
      out
        .split('\n')
        .filter((l) => l.startsWith('installed '))
        .map((l) => l.slice('installed '.length)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const { state, tables } = await collectOnce(deb, '/');
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(0);
    const got = sorted(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`));
    expect(got).toEqual(expected);
    expect(tables.package_count).toEqual([{ manager: 'deb', count: expected.length }]);
  });
});

/** A tiny spec: no files (or one), noarch unless an arch is given. */
function spec(p: { name: string; version: string; release: string; epoch?: number; file?: boolean }): string {
  return [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []),
    'Summary: hostbaseline test package',
    'License: MIT',
    'BuildArch: noarch',
    '%description',
    'A package built by the hostbaseline accuracy test.',
    ...(p.file ? ['%install', 'mkdir -p %{buildroot}/usr/share/hb-test', 'echo hi > %{buildroot}/usr/share/hb-test/%{name}.txt'] : []),
    '%files',
    ...(p.file ? ['/usr/share/hb-test/%{name}.txt'] : []),
    '',
  ].join('\n');
}

const rpmTools = withTools(['rpm', 'rpmbuild']);
describe.skipIf(!rpmTools.run)('rpm collector against a database written by rpm itself', () => {
  it('reports the same packages as rpm -qa on a scratch rpmdb.sqlite', { timeout: 60_000 }, async () => {
    expect(rpmTools.missing, 'rpm and rpmbuild must be installed in CI').toEqual([]);
    const work = tempDir('hb-rpm-');
    const top = path.join(work, 'build');
    const root = path.join(work, 'root');
    mkdirSync(path.join(top, 'SPECS'), { recursive: true });
    mkdirSync(path.join(root, 'var/lib/rpm'), { recursive: true });
    const sqlite = ['--define', '_db_backend sqlite'];
    const packages = [
      { name: 'hb-alpha', version: '1.2.3', release: '4', epoch: 2 },
      { name: 'hb-beta', version: '0.9', release: '1.fc40', file: true },
      { name: 'hb-gamma', version: '2024.01.15', release: '7' },
    ];
    for (const p of packages) {
      const file = path.join(top, 'SPECS', `${p.name}.spec`);
      writeFileSync(file, spec(p));
      execFileSync('rpmbuild', ['--define', `_topdir ${top}`, ...sqlite, '-bb', file], { stdio: 'pipe' });
    }
    const rpms = readdirSync(path.join(top, 'RPMS', 'noarch')).map((f) => path.join(top, 'RPMS', 'noarch', f));
    expect(rpms).toHaveLength(3);
    const db = ['--root', root, '--dbpath', '/var/lib/rpm', ...sqlite];
    execFileSync('rpm', [...db, '-i', '--nodeps', '--justdb', ...rpms], { stdio: 'pipe' });
    expect(readdirSync(path.join(root, 'var/lib/rpm'))).toContain('rpmdb.sqlite');

    const qf = '%{NAME} %|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE} %{ARCH} %{INSTALLTIME} %{SOURCERPM}\n';
    const expected = sorted(execFileSync('rpm', [...db, '-qa', '--qf', qf], { encoding: 'utf8' }).split('\n'));
    expect(expected).toHaveLength(3);

    const { state, tables } = await collectOnce(rpm, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(0);
    const got = sorted(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch} ${r.install_time} ${r.source_rpm}`));
    expect(got).toEqual(expected);
    expect(tables.package_count).toEqual([{ manager: 'rpm', count: 3 }]);
  });
});

const python = withTools(['python3']);
describe.skipIf(!python.run)('python_packages against importlib.metadata on this machine', () => {
  it('reports the distributions python itself sees in each system site dir', async () => {
    expect(python.missing, 'python3 must be installed in CI').toEqual([]);
    const { state, tables } = await collectOnce(pythonPackages, '/');
    expect(state.success, state.lastError ?? '').toBe(true);
    const system = (tables.package_locations ?? []).filter((l) => l.kind === 'system').map((l) => String(l.location));
    for (const location of system) {
      const script = [
        'import importlib.metadata as m, sys',
        'seen = set()',
        'for d in m.distributions(path=[sys.argv[1]]):',
        '    n, v = d.metadata["Name"], d.version',
        '    if n and v and n not in seen:',
        '        seen.add(n); print(n, v)',
      ].join('\n');
      const expected = sorted(execFileSync('python3', ['-c', script, location], { encoding: 'utf8' }).split('\n'));
      const got = sorted(tables.packages!.filter((r) => r.location === location).map((r) => `${r.name} ${r.version}`));
      expect(got, location).toEqual(expected);
    }
  });
});

const npm = withTools(['npm']);
describe.skipIf(!npm.run)('npm_packages against npm ls -g on this machine', () => {
  it('reports the global packages npm lists', { timeout: 60_000 }, async () => {
    expect(npm.missing, 'npm must be installed in CI').toEqual([]);
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    const listed = JSON.parse(execFileSync('npm', ['ls', '-g', '--depth=0', '--json'], { encoding: 'utf8' })) as {
      dependencies?: Record<string, { version?: string }>;
    };
    const expected = sorted(Object.entries(listed.dependencies ?? {}).map(([name, d]) => `${name} ${d.version}`));
    const { state, tables } = await collectOnce(npmPackages, '/');
    expect(state.success, state.lastError ?? '').toBe(true);
    const got = sorted(tables.packages!.filter((r) => r.location === root).map((r) => `${r.name} ${r.version}`));
    expect(got).toEqual(expected);
  });
});
