import { describe, expect, it } from 'vitest';
import { apk } from '../../../src/collectors/software/apk.js';
import { parseApkInstalled } from '../../../src/collectors/software/apk.parse.js';
import { pacman } from '../../../src/collectors/software/pacman.js';
import { pacmanPackage, parsePacmanDesc } from '../../../src/collectors/software/pacman.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

describe('pacman', () => {
  it('parses desc sections', () => {
    const d = parsePacmanDesc('%NAME%\nfoo\n\n%VERSION%\n1.0-1\n\n%DEPENDS%\na\nb\n\n%REASON%\n1\n');
    expect(d.get('DEPENDS')).toEqual(['a', 'b']);
    expect(pacmanPackage(d)).toEqual({ name: 'foo', version: '1.0-1', arch: '', installTime: null, explicit: false });
    expect(pacmanPackage(parsePacmanDesc('%VERSION%\n1\n'))).toBe('no %NAME%');
    expect(pacmanPackage(parsePacmanDesc('%NAME%\nx\n'))).toBe('x: no %VERSION%');
    expect(pacmanPackage(parsePacmanDesc('\u0000\u0001garbage\n%%\n'))).toBe('no %NAME%');
  });

  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(pacman, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.packages).toEqual([
      { manager: 'pacman', name: 'linux', version: '6.7.4.arch1-1', arch: 'x86_64', location: '', install_time: 1707400000, explicit: true },
      { manager: 'pacman', name: 'openssl', version: '1:3.2.1-1', arch: 'x86_64', location: '', install_time: 1707400100, explicit: false },
      { manager: 'pacman', name: 'python', version: '3.11.7-1', arch: 'x86_64', location: '', install_time: 1707400200, explicit: true },
    ]);
    expect(tables.package_count).toEqual([{ manager: 'pacman', count: 3 }]);
  });

  it('skips and counts a truncated or garbage desc and a directory without desc', async () => {
    const root = hostWith({
      '/var/lib/pacman/local/ok-1-1/desc': '%NAME%\nok\n\n%VERSION%\n1-1\n',
      '/var/lib/pacman/local/cut-1-1/desc': '%NAME%\ncut\n\n%VERS',
      '/var/lib/pacman/local/junk-1-1/desc': Buffer.from([0xff, 0xfe, 0, 1, 2, 3]),
      '/var/lib/pacman/local/nodesc-1-1/files': '%FILES%\n',
    });
    const { state, tables } = await collectOnce(pacman, root);
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => r.name)).toEqual(['ok']);
    expect(state.parseErrorsTotal).toBe(3);
  });

  it('fails on an oversized desc, and succeeds with no pacman', async () => {
    const root = hostWith({ '/var/lib/pacman/local/big-1-1/desc': '%NAME%\nbig\n\n%VERSION%\n1\n\n%DESC%\n' + 'x'.repeat(5000) + '\n' });
    const { state } = await collectOnce(pacman, root, { maxFileBytes: 1000 });
    expect(state.lastError).toMatch(/\/var\/lib\/pacman\/local\/big-1-1\/desc: file too large/);
    expect((await collectOnce(pacman, fixturePath('host-empty'))).state.success).toBe(true);
  });
});

describe('apk', () => {
  it('parses records, taking the first of repeated letters', () => {
    const bad: string[] = [];
    const p = parseApkInstalled('P:a\nV:1-r0\nA:x86_64\nR:f1\nR:f2\no:aa\nt:17\n\nV:2\n\nP:b\n\nP:c\nV:3\ngarbage line\n\nP:d\nV:4\n', (l, r) => bad.push(`${l}: ${r}`));
    expect(p).toEqual([
      { name: 'a', version: '1-r0', arch: 'x86_64', origin: 'aa', buildTime: 17 },
      { name: 'd', version: '4', arch: '', origin: '', buildTime: null },
    ]);
    expect(bad).toEqual(['9: record without P: (name)', '11: b: no V: (version)', '13: line 15: expected "X:value"']);
  });

  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(apk, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch} ${r.origin}`)).toEqual([
      'busybox 1.36.1-r5 x86_64 busybox',
      'ca-certificates-bundle 20240226-r0 x86_64 ca-certificates',
      'musl 1.2.4-r2 x86_64 musl',
    ]);
  });

  it('a truncated database keeps the complete records; garbage fails naming the file', async () => {
    const cut = hostWith({ '/lib/apk/db/installed': 'P:a\nV:1\nA:x86_64\n\nP:b\nV' });
    const r1 = await collectOnce(apk, cut);
    expect(r1.tables.packages!.map((r) => r.name)).toEqual(['a']);
    expect(r1.state.parseErrorsTotal).toBe(1);
    const junk = hostWith({ '/lib/apk/db/installed': '\u0000\u0001\u0002 binary junk\n' });
    const r2 = await collectOnce(apk, junk);
    expect(r2.state.success).toBe(false);
    expect(r2.state.lastError).toMatch(/^\/lib\/apk\/db\/installed: /);
    expect((await collectOnce(apk, fixturePath('host-empty'))).tables.package_count).toEqual([{ manager: 'apk', count: 0 }]);
  });
});
