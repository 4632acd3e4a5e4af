import { createHash } from 'node:crypto';
import { chmodSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFiles } from '../../../src/collectors/software/package-files.js';
import { parseApkFiles, parseDiversions, parseDpkgConffiles, parseMd5sums } from '../../../src/collectors/software/package-files.parse.js';
import { collectOnce, schedulerFor } from '../../helpers.js';
import { hostWith } from './host.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1b64 = (s: string) => 'Q1' + createHash('sha1').update(s).digest('base64');

describe('package file lists', () => {
  it('reads md5sums lines, keeping spaces in names and reporting bad lines', () => {
    const bad: string[] = [];
    const files = parseMd5sums(`${md5('a')}  usr/bin/a\n${md5('b')}  usr/share/doc/b c.txt\nnot a line\n`, (l, r) => bad.push(`${l}: ${r}`));
    expect(files.map((f) => [f.path, f.digest])).toEqual([
      ['/usr/bin/a', md5('a')],
      ['/usr/share/doc/b c.txt', md5('b')],
    ]);
    expect(bad).toEqual(['3: expected "<md5>  <path>"']);
  });

  it('reads the conffiles of installed packages only, without obsolete ones', () => {
    const status = [
      'Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nConffiles:\n /etc/ssh/moduli ' + md5('m') + '\n /etc/old.conf ' + md5('o') + ' obsolete\nDescription: x',
      'Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nConffiles:\n /etc/gone.conf ' + md5('g'),
      'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same',
    ].join('\n\n');
    expect(parseDpkgConffiles(status)).toEqual([
      { name: 'openssh-server', arch: 'amd64', multiArchSame: false, conffiles: [{ path: '/etc/ssh/moduli', digest: md5('m'), algorithm: 'md5', config: true, mode: null, size: null }] },
      { name: 'libc6', arch: 'amd64', multiArchSame: true, conffiles: [] },
    ]);
  });

  it('reads diversions as triplets', () => {
    expect(parseDiversions('/usr/bin/a\n/usr/bin/a.distrib\nlocal-pkg\n/bin/sh\n/bin/sh.distrib\n:\n')).toEqual([
      { from: '/usr/bin/a', to: '/usr/bin/a.distrib', by: 'local-pkg' },
      { from: '/bin/sh', to: '/bin/sh.distrib', by: ':' },
    ]);
  });

  it('reads apk files with their mode and sha1', () => {
    const db = `P:busybox\nV:1.36\nF:bin\nR:busybox\na:0:0:755\nZ:${sha1b64('bb')}\nF:etc\nR:motd\nZ:${sha1b64('motd')}\n\nP:empty\nV:1\n`;
    expect(parseApkFiles(db)).toEqual([
      {
        name: 'busybox',
        files: [
          { path: '/bin/busybox', digest: createHash('sha1').update('bb').digest('hex'), algorithm: 'sha1', config: false, mode: 0o755, size: null },
          { path: '/etc/motd', digest: createHash('sha1').update('motd').digest('hex'), algorithm: 'sha1', config: false, mode: null, size: null },
        ],
      },
      { name: 'empty', files: [] },
    ]);
  });
});

const DEB_FILES: Record<string, string> = {
    '/usr/bin/tool': 'tool v1',
    '/usr/lib/libt.so.1': 'lib v1',
    '/usr/share/doc/tool/README': 'readme',
    '/etc/tool.conf': 'conf v1',
    '/usr/bin/other': 'other',
  '/usr/bin/other.distrib': 'other as shipped',
};
/** What a first pass reads: every packaged file once (not the diverted-away /usr/bin/other). */
const DEB_BYTES = Object.entries(DEB_FILES).filter(([p]) => p !== '/usr/bin/other').reduce((n, [, v]) => n + v.length, 0);

function debHost() {
  const files = DEB_FILES;
  const md5sums = ['/usr/bin/tool', '/usr/lib/libt.so.1', '/usr/share/doc/tool/README'].map((p) => `${md5(files[p]!)}  ${p.slice(1)}`).join('\n') + '\n';
  return hostWith({
    ...files,
    '/var/lib/dpkg/status':
      `Package: tool\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\nConffiles:\n /etc/tool.conf ${md5('conf v1')}\n\n` +
      `Package: other\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n` +
      `Package: nodigests\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n`,
    '/var/lib/dpkg/info/tool.md5sums': md5sums,
    // "other" ships /usr/bin/other; a local diversion moved it to other.distrib.
    '/var/lib/dpkg/info/other.md5sums': `${md5('other as shipped')}  usr/bin/other\n`,
    '/var/lib/dpkg/diversions': '/usr/bin/other\n/usr/bin/other.distrib\n:\n',
  });
}

describe('package_files collector', () => {
  it('an intact deb host has no changes, and diverted files are read where they went', async () => {
    const { state, tables } = await collectOnce(packageFiles, debHost(), { options: { io_bytes_per_second: 0 } });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.package_file_changes).toEqual([]);
    expect(tables.package_integrity_summary).toEqual([
      { manager: 'deb', packages: 3, packages_without_digests: 1, files: 5, excluded: 0, modified: 0, missing: 0, mode_changed: 0, config_modified: 0, unreadable: 0, bytes_read: DEB_BYTES, cache_hits: 0 },
    ]);
  });

  it('reports a modified binary and library, a missing file and a changed conffile apart', async () => {
    const root = debHost();
    writeFileSync(path.join(root, 'usr/bin/tool'), 'tool v2 with an implant');
    writeFileSync(path.join(root, 'usr/lib/libt.so.1'), 'lib v2');
    rmSync(path.join(root, 'usr/share/doc/tool/README'));
    writeFileSync(path.join(root, 'etc/tool.conf'), 'conf v2');
    const { tables, samples } = await collectOnce(packageFiles, root, { options: { io_bytes_per_second: 0 } });
    expect(tables.package_file_changes).toEqual([
      { manager: 'deb', package: 'tool', path: '/etc/tool.conf', kind: 'modified', config: true, binary: false },
      { manager: 'deb', package: 'tool', path: '/usr/bin/tool', kind: 'modified', config: false, binary: true },
      { manager: 'deb', package: 'tool', path: '/usr/lib/libt.so.1', kind: 'modified', config: false, binary: true },
      { manager: 'deb', package: 'tool', path: '/usr/share/doc/tool/README', kind: 'missing', config: false, binary: false },
    ]);
    expect(tables.package_file_change_counts).toEqual([
      { manager: 'deb', package: 'tool', kind: 'config_modified', files: 1 },
      { manager: 'deb', package: 'tool', kind: 'missing', files: 1 },
      { manager: 'deb', package: 'tool', kind: 'modified', files: 2 },
    ]);
    expect(samples).toContain('hostbaseline_package_integrity_modified_files{manager="deb"} 2');
    expect(samples).toContain('hostbaseline_package_integrity_config_modified_files{manager="deb"} 1');
    expect(samples).toContain('hostbaseline_package_file_changed_info{manager="deb",package="tool",path="/usr/bin/tool",kind="modified",config="false",binary="true"} 1');
  });

  it('hashes a file again only when its inode, size, mtime or ctime changed', async () => {
    const root = debHost();
    const scheduler = schedulerFor([packageFiles], root, { options: { io_bytes_per_second: 0 } });
    const first = (await scheduler.runNow('package_files')).tables!.find((t) => t.name === 'package_integrity_summary')!.rows[0]!;
    expect(first).toMatchObject({ bytes_read: DEB_BYTES, cache_hits: 0 });
    const second = (await scheduler.runNow('package_files')).tables!.find((t) => t.name === 'package_integrity_summary')!.rows[0]!;
    expect(second).toMatchObject({ bytes_read: 0, cache_hits: 5 });
    // Same size, old mtime put back: the ctime still tells the file changed.
    const tool = path.join(root, 'usr/bin/tool');
    writeFileSync(tool, 'tool v9');
    utimesSync(tool, new Date(0), new Date(0));
    const third = await scheduler.runNow('package_files');
    expect(third.tables!.find((t) => t.name === 'package_file_changes')!.rows.map((r) => r.path)).toEqual(['/usr/bin/tool']);
    expect(third.tables!.find((t) => t.name === 'package_integrity_summary')!.rows[0]).toMatchObject({ bytes_read: 7, cache_hits: 4 });
  });

  it('honours excluded prefixes and the byte budget', async () => {
    const root = debHost();
    rmSync(path.join(root, 'usr/share/doc/tool/README'));
    const { tables } = await collectOnce(packageFiles, root, { options: { exclude: ['/usr/share/doc'], io_bytes_per_second: 0 } });
    expect(tables.package_file_changes).toEqual([]);
    expect(tables.package_integrity_summary![0]).toMatchObject({ files: 4, excluded: 1 });
    // DEB_BYTES (42) at 100 bytes/s: the pass takes about half a second instead of a moment.
    const t0 = performance.now();
    await collectOnce(packageFiles, debHost(), { options: { io_bytes_per_second: 100 } });
    expect(performance.now() - t0).toBeGreaterThan(300);
  });

  it('checks apk files against their sha1 and mode', async () => {
    const root = hostWith({
      '/bin/busybox': 'bb',
      '/etc/motd': 'changed motd',
      '/lib/apk/db/installed': `P:busybox\nV:1.36\nF:bin\nR:busybox\na:0:0:755\nZ:${sha1b64('bb')}\nF:etc\nR:motd\nZ:${sha1b64('motd')}\nR:gone\nZ:${sha1b64('x')}\n`,
    });
    chmodSync(path.join(root, 'bin/busybox'), 0o4755);
    const { tables } = await collectOnce(packageFiles, root, { options: { io_bytes_per_second: 0 } });
    expect(tables.package_file_changes!.map((r) => `${r.path} ${r.kind}`)).toEqual(['/bin/busybox mode_changed', '/etc/gone missing', '/etc/motd modified']);
  });

  it('a host without package databases has nothing to verify', async () => {
    const { state, tables } = await collectOnce(packageFiles, hostWith({}));
    expect(state.success).toBe(true);
    expect(tables.package_integrity_summary).toEqual([]);
  });
});
