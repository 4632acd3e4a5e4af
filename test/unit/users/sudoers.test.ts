import { describe, expect, it } from 'vitest';
import { expandAlias, includedirWanted, parseSudoers, splitTop } from '../../../src/collectors/users/sudoers.parse.js';
import { sudoers } from '../../../src/collectors/users/sudoers.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './fixtures.js';

describe('sudoers parser', () => {
  it('includes in all four spellings, quoted paths', () => {
    const items = parseSudoers('#include /etc/sudoers.local\n@include "my file"\n#includedir /etc/sudoers.d\n@includedir sudoers.d\n# a comment\n');
    expect(items).toEqual([
      { kind: 'include', line: 1, path: '/etc/sudoers.local', dir: false },
      { kind: 'include', line: 2, path: 'my file', dir: false },
      { kind: 'include', line: 3, path: '/etc/sudoers.d', dir: true },
      { kind: 'include', line: 4, path: 'sudoers.d', dir: true },
    ]);
  });

  it('user specs: run-as, tags carried over, several host specs, continuations', () => {
    const [spec] = parseSudoers('alice, %admins  web1 = (www-data) NOPASSWD: /bin/a, /bin/b, PASSWD: /bin/c : db1 = ALL # trailing\n');
    expect(spec).toMatchObject({ kind: 'spec', users: ['alice', '%admins'] });
    if (spec?.kind !== 'spec') throw new Error('no spec');
    expect(spec.grants.map((g) => [g.hosts.join(), g.runas, g.nopasswd, g.command])).toEqual([
      ['web1', 'www-data', true, '/bin/a'],
      ['web1', 'www-data', true, '/bin/b'],
      ['web1', 'www-data', false, '/bin/c'],
      ['db1', 'root', false, 'ALL'],
    ]);
    const [cont] = parseSudoers('bob ALL=(ALL:ALL) \\\n  NOPASSWD: ALL\n');
    expect(cont).toMatchObject({ line: 1, grants: [{ runas: 'ALL:ALL', nopasswd: true, command: 'ALL' }] });
  });

  it('uids are not comments; Defaults bindings; aliases', () => {
    const items = parseSudoers('#1000 ALL=(ALL) ALL\nDefaults:bob !authenticate\nDefaults !authenticate, env_reset\nUser_Alias A = x, y : B = z\n');
    expect(items[0]).toMatchObject({ kind: 'spec', users: ['#1000'] });
    expect(items[1]).toMatchObject({ kind: 'defaults', binding: ':', target: ['bob'], params: ['!authenticate'] });
    expect(items[2]).toMatchObject({ kind: 'defaults', binding: '', params: ['!authenticate', 'env_reset'] });
    expect(items.slice(3)).toMatchObject([
      { kind: 'alias', type: 'User', name: 'A', members: ['x', 'y'] },
      { kind: 'alias', type: 'User', name: 'B', members: ['z'] },
    ]);
  });

  it('garbage and truncated lines are counted and skipped', () => {
    const bad: number[] = [];
    const items = parseSudoers('alice ALL=(ALL) ALL\nthis is not sudoers\nbob ALL=(root\ncarol ALL=\n\u0000\u0001\u0002\nUser_Alias lower = x\n', (line) => bad.push(line));
    expect(items).toHaveLength(1);
    expect(bad).toEqual([2, 3, 4, 5, 6]);
  });

  it('helpers', () => {
    expect(splitTop('a, (b,c) d, "e,f"', ',')).toEqual(['a', '(b,c) d', '"e,f"']);
    expect(includedirWanted('90-users')).toBe(true);
    expect(includedirWanted('x.dpkg-old')).toBe(false);
    expect(includedirWanted('x~')).toBe(false);
    const aliases = new Map([['A', ['B', 'x']], ['B', ['A', 'y']]]);
    expect(expandAlias(['A'], aliases)).toEqual(['y', 'x']); // a cycle stops expanding
  });
});

describe('sudoers collector', () => {
  it('host-a: includedir, aliases, NOPASSWD, !authenticate', async () => {
    const r = await collectOnce(sudoers, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(0);
    const rows = r.tables.sudo_rules!.map((x) => `${x.file} ${x.principal} ${x.runas} ${x.nopasswd} ${x.all_commands}`);
    expect(rows).toEqual([
      '/etc/sudoers %sudo ALL:ALL false true',
      '/etc/sudoers bob root true false',
      '/etc/sudoers carol root true false',
      '/etc/sudoers root ALL:ALL false true',
      '/etc/sudoers.d/90-cloud-init-users alice ALL true true',
      '/etc/sudoers.d/deploy deploy root true true',
      '/etc/sudoers.d/deploy deploy www-data true false',
    ]);
    // Files with a "." or ending in "~" are skipped, like sudo does.
    expect(r.tables.sudo_files!.map((f) => f.file)).not.toContain('/etc/sudoers.d/old.dpkg-old');
    expect(r.samples).toContain('hostbaseline_sudo_nopasswd_rules 5');
  });

  it('an include loop is reported and does not hang; relative includes resolve from the including file', async () => {
    const root = hostWith({
      '/etc/sudoers': 'root ALL=(ALL) ALL\n@include sudoers.local\n',
      '/etc/sudoers.local': 'alice ALL=(ALL) NOPASSWD: ALL\n#include /etc/sudoers\n@include sudoers.local\n',
    });
    const r = await collectOnce(sudoers, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(2);
    expect(r.tables.sudo_rules!.map((x) => x.principal)).toEqual(['root', 'alice']);
  });

  it('a missing included file is a parse error; no sudoers at all is zero rows', async () => {
    const r = await collectOnce(sudoers, hostWith({ '/etc/sudoers': '#include /etc/nope\nroot ALL=(ALL) ALL\n' }));
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(1);
    const none = await collectOnce(sudoers, hostWith({}));
    expect(none.state.success).toBe(true);
    expect(none.tables.sudo_rules).toEqual([]);
  });

  it('oversized sudoers fails naming the file', async () => {
    const r = await collectOnce(sudoers, hostWith({ '/etc/sudoers': 'root ALL=(ALL) ALL\n'.repeat(500) }), { maxFileBytes: 1024 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(/\/etc\/sudoers: file too large/);
  });
});
