import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostart } from '../../../src/collectors/system/autostart.js';
import { desktopBool, execProgram, parseDesktopEntry, parseRcLink } from '../../../src/collectors/system/autostart.parse.js';
import { sha256Hex } from '../../../src/collectors/system/config-files.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

describe('autostart parsers', () => {
  it('reads the Desktop Entry group only, unlocalized keys, first value wins', () => {
    const bad: number[] = [];
    const e = parseDesktopEntry('# c\n[Desktop Entry]\nName=A\nName[fr]=B\nExec=/bin/a\nnonsense\n[Desktop Action x]\nExec=/bin/other\n', (l) => bad.push(l));
    expect(e).toEqual({ Name: 'A', Exec: '/bin/a' });
    expect(bad).toEqual([6]);
    expect(parseDesktopEntry('garbage\x00\x01')).toBeNull();
  });

  it('keeps only the program of an Exec line', () => {
    expect(execProgram('/usr/bin/x --token=abc')).toBe('/usr/bin/x');
    expect(execProgram('"/opt/My App/run" %U')).toBe('/opt/My App/run');
    expect(execProgram('env TOKEN=secret LANG=C /usr/bin/y -v')).toBe('/usr/bin/y');
    expect(execProgram('')).toBe('');
    expect(desktopBool('False', true)).toBe(false);
    expect(desktopBool('maybe', true)).toBe(true);
  });

  it('parses rc link names', () => {
    expect(parseRcLink('rc2.d', 'S01ssh')).toEqual({ runlevel: '2', action: 'start', priority: 1, script: 'ssh' });
    expect(parseRcLink('rcS.d', 'K20cron')).toEqual({ runlevel: 'S', action: 'kill', priority: 20, script: 'cron' });
    expect(parseRcLink('rc2.d', 'README')).toBeNull();
    expect(parseRcLink('rc.d', 'S01x')).toBeNull();
  });
});

describe('autostart collector', () => {
  it('lists XDG entries of the system and of users on host-a, secrets left out', async () => {
    const r = await collectOnce(autostart, fixturePath('host-a'));
    expect(r.state.lastError).toBeNull();
    const xdg = r.tables.autostart!.filter((x) => String(x.source).startsWith('xdg'));
    expect(xdg.map((x) => [x.source, x.name, x.exec, x.enabled])).toEqual([
      ['xdg_system', 'at-spi-dbus-bus.desktop', '/usr/libexec/at-spi-bus-launcher', true],
      ['xdg_system', 'gnome-keyring-ssh.desktop', '/usr/bin/gnome-keyring-daemon', false],
      ['xdg_user', 'alice/gnome-keyring-ssh.desktop', '', false],
      ['xdg_user', 'alice/sync-helper.desktop', '/home/alice/.local/bin/sync-helper', true],
    ]);
    const helper = xdg.find((x) => x.name === 'alice/sync-helper.desktop')!;
    expect(helper.exec_sha256).toBe(sha256Hex('env SYNC_TOKEN=ghp_fake0123456789abcdefFAKEFAKEFAKE /home/alice/.local/bin/sync-helper --daemon'));
    expect(JSON.stringify(r.tables)).not.toContain('ghp_fake');
    expect(r.samples).not.toContain('ghp_fake');
    // init.d scripts and rc links of the fixture are there too.
    expect(r.tables.autostart!.some((x) => x.source === 'init_d')).toBe(true);
    expect(r.tables.autostart!.some((x) => x.source === 'rc' && x.action === 'start')).toBe(true);
    expect(r.tables.autostart_counts!.map((c) => c.source)).toEqual(['init_d', 'rc', 'xdg_system', 'xdg_user']);
  });

  it('reports init scripts with their executable bit and hash, and rc links with their targets', async () => {
    const root = host({ 'etc/init.d/ssh': '#!/bin/sh\necho ssh\n', 'etc/init.d/README': 'notes\n' });
    chmodSync(path.join(root, 'etc/init.d/ssh'), 0o755);
    mkdirSync(path.join(root, 'etc/rc2.d'));
    symlinkSync('../init.d/ssh', path.join(root, 'etc/rc2.d/S02ssh'));
    symlinkSync('../init.d/gone', path.join(root, 'etc/rc2.d/S99gone'));
    writeFileSync(path.join(root, 'etc/rc2.d/README'), 'x');
    const r = await collectOnce(autostart, root);
    const rows = Object.fromEntries(r.tables.autostart!.map((x) => [`${x.source}:${x.name}`, x]));
    expect(rows['init_d:ssh']).toMatchObject({ executable: true, sha256: sha256Hex('#!/bin/sh\necho ssh\n') });
    expect(rows['init_d:README']).toMatchObject({ executable: false });
    expect(rows['rc:rc2.d/S02ssh']).toMatchObject({ runlevel: '2', action: 'start', priority: 2, target: '../init.d/ssh', target_exists: true });
    expect(rows['rc:rc2.d/S99gone']).toMatchObject({ target_exists: false });
    expect(rows['rc:rc2.d/README']).toBeUndefined();
    expect(r.samples).toContain('hostbaseline_autostart_entries{source="rc"} 2');
  });

  it('an empty root succeeds with zero rows', async () => {
    const r = await collectOnce(autostart, tempDir());
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((t) => t.length === 0)).toBe(true);
  });

  it('skips a file without [Desktop Entry], and fails clearly on oversized files, a directory and a symlink loop', async () => {
    const garbage = await collectOnce(autostart, host({ 'etc/xdg/autostart/x.desktop': '\x00\x01garbage' }));
    expect(garbage.state.success).toBe(true);
    expect(garbage.state.parseErrorsTotal).toBe(1);
    const big = await collectOnce(autostart, host({ 'etc/init.d/big': '#'.repeat(4096) }), { maxFileBytes: 1024 });
    expect(big.state.lastError).toMatch(/\/etc\/init.d\/big: file too large/);
    const dir = tempDir();
    mkdirSync(path.join(dir, 'etc/xdg/autostart/evil.desktop'), { recursive: true });
    const dirRun = await collectOnce(autostart, dir);
    expect(dirRun.state.success).toBe(true); // a directory is not an entry
    const link = host({ 'etc/xdg/autostart/.keep': '' });
    symlinkSync('/tmp', path.join(link, 'etc/xdg/autostart/d.desktop')); // absolute: taken inside the root
    mkdirSync(path.join(link, 'tmp'));
    expect((await collectOnce(autostart, link)).state.lastError).toMatch(/d.desktop: not a regular file/);
    const loop = host({ 'etc/init.d/.keep': '' });
    symlinkSync('b', path.join(loop, 'etc/init.d/a'));
    symlinkSync('a', path.join(loop, 'etc/init.d/b'));
    expect((await collectOnce(autostart, loop)).state.lastError).toMatch(/\/etc\/init.d\/a: too many levels of symbolic links/);
  });
});
