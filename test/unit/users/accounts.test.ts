import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupFacts, parseGroup, parseGshadow } from '../../../src/collectors/users/groups.parse.js';
import { groups } from '../../../src/collectors/users/groups.js';
import { hashAlgorithm, parseShadow } from '../../../src/collectors/users/shadow.parse.js';
import { shadow } from '../../../src/collectors/users/shadow.js';
import { isLoginShell, userFacts } from '../../../src/collectors/users/users.parse.js';
import { users } from '../../../src/collectors/users/users.js';
import { parsePasswd } from '../../../src/host/homes.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './fixtures.js';

const HOST_A = fixturePath('host-a');

describe('users', () => {
  it('login shells', () => {
    expect(isLoginShell('/bin/bash')).toBe(true);
    expect(isLoginShell('')).toBe(true); // passwd(5): empty means /bin/sh
    for (const s of ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false', '/bin/sync']) expect(isLoginShell(s)).toBe(false);
  });

  it('flags uid 0 accounts other than root and counts', () => {
    const f = userFacts(parsePasswd('root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nsvc:x:5:5::/:/usr/sbin/nologin\nroot:x:9:9::/:/bin/sh\n'));
    expect(f.users.map((u) => [u.name, u.uid0_non_root, u.login_shell])).toEqual([
      ['root', null, true],
      ['toor', 1, true],
      ['svc', null, false],
    ]);
    expect(f.summary).toMatchObject({ accounts: 3, uid0_non_root_accounts: 1, login_shell_accounts: 2, shared_uid_accounts: 2, duplicate_names: 1 });
  });

  it('reads host-a', async () => {
    const r = await collectOnce(users, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.tables.users).toHaveLength(10);
    expect(r.samples).toContain('hostbaseline_user_uid0{name="toor"} 1');
    expect(r.samples).not.toContain('hostbaseline_user_uid0{name="root"}');
    expect(r.samples).toContain('hostbaseline_user_info{name="alice",uid="1000",gid="1000",home="/home/alice",shell="/bin/bash"} 1');
  });

  it('skips and counts bad lines, keeps the rest', async () => {
    const root = hostWith({ '/etc/passwd': 'root:x:0:0::/root:/bin/bash\ntruncated:x:1\n\x00\xff garbage\nalice:x:abc:1::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/bash' });
    const r = await collectOnce(users, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(3);
    expect(r.tables.users!.map((u) => u.name)).toEqual(['bob', 'root']);
  });

  it('fails on an oversized passwd, naming the file', async () => {
    const root = hostWith({ '/etc/passwd': 'root:x:0:0::/root:/bin/bash\n'.repeat(100) });
    const r = await collectOnce(users, root, { maxFileBytes: 1000 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(/\/etc\/passwd: file too large/);
  });

  it('no passwd: success with zero rows', async () => {
    const r = await collectOnce(users, hostWith({}));
    expect(r.state.success).toBe(true);
    expect(r.tables.users).toEqual([]);
  });
});

describe('groups', () => {
  it('parses group and gshadow, primary and supplementary members', () => {
    const g = parseGroup('root:x:0:\nsudo:x:27:alice, bob\nbad:x:zz:\nshort:x\n', () => {});
    expect(g).toEqual([
      { name: 'root', gid: 0, members: [] },
      { name: 'sudo', gid: 27, members: ['alice', 'bob'] },
    ]);
    const gs = parseGshadow('sudo:!:carol:alice\n');
    const f = groupFacts(g, parsePasswd('root:x:0:0::/root:/bin/bash\nalice:x:1000:27::/home/alice:/bin/bash\n'), gs);
    expect(f.groups.find((r) => r.name === 'sudo')).toMatchObject({ members: 2, admins: 1, privileged: true });
    expect(f.memberships.find((m) => m.group === 'sudo' && m.user === 'alice')).toMatchObject({ primary: true, supplementary: true });
  });

  it('gshadow garbage is counted, the rest kept', async () => {
    const r = await collectOnce(groups, hostWith({ '/etc/group': 'sudo:x:27:\n', '/etc/gshadow': 'sudo:!:carol,dave:\ntruncated:!\n' }));
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.groups).toEqual([{ name: 'sudo', gid: 27, members: 0, supplementary_members: 0, admins: 2, privileged: true }]);
  });

  it('reads host-a: privileged memberships only in the privileged family', async () => {
    const r = await collectOnce(groups, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.samples).toContain('hostbaseline_privileged_group_member{group="sudo",user="alice"} 1');
    expect(r.samples).toContain('hostbaseline_privileged_group_member{group="docker",user="bob"} 1');
    expect(r.samples).not.toContain('hostbaseline_privileged_group_member{group="users"');
  });

  it('bad lines counted; a directory where /etc/group should be fails naming it', async () => {
    const r = await collectOnce(groups, hostWith({ '/etc/group': 'a:x:1:\ngarbage\nb:x:2:\n' }));
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.groups).toHaveLength(2);
    const root = hostWith({});
    mkdirSync(path.join(root, 'etc/group'), { recursive: true });
    const bad = await collectOnce(groups, root);
    expect(bad.state.success).toBe(false);
    expect(bad.state.lastError).toContain('/etc/group');
  });
});

describe('shadow', () => {
  it('hash algorithms from crypt prefixes', () => {
    expect(hashAlgorithm('$y$j9T$abc$def')).toBe('yescrypt');
    expect(hashAlgorithm('$gy$j9T$abc$def')).toBe('gost-yescrypt');
    expect(hashAlgorithm('$6$salt$hash')).toBe('sha512');
    expect(hashAlgorithm('$5$salt$hash')).toBe('sha256');
    expect(hashAlgorithm('$1$salt$hash')).toBe('md5');
    expect(hashAlgorithm('$2b$12$abcdefghijklmnopqrstuv')).toBe('bcrypt');
    expect(hashAlgorithm('$2y$12$abcdefghijklmnopqrstuv')).toBe('bcrypt');
    expect(hashAlgorithm('$7$CU..../....')).toBe('scrypt');
    expect(hashAlgorithm('abJnggxhB/yWI')).toBe('des');
    expect(hashAlgorithm('')).toBe('none');
    expect(hashAlgorithm('whatever')).toBe('unknown');
  });

  it('states, ageing, and no trace of the hash', () => {
    const hash = '$6$Xq3vR8tLp2Wn$66hVJuoIhkSJPiibNrihK53Ux7j07IueJIK/4hBFQtApS4/MFSPUdOC2X.vZbSmiWB34tZ7cThgCjaMQX09EK/';
    const e = parseShadow(`a:${hash}:20000:0:90:7:::\nb:!${hash}:0:::::\nc::19000::::::\nd:*:::::::\n`);
    expect(e.map((x) => [x.name, x.state, x.algorithm])).toEqual([
      ['a', 'set', 'sha512'],
      ['b', 'locked', 'sha512'],
      ['c', 'empty', 'none'],
      ['d', 'locked', 'none'],
    ]);
    expect(e[0]).toMatchObject({ lastChangeSeconds: 20000 * 86400, maxDays: 90, warnDays: 7, inactiveDays: null });
    expect(e[1]!.mustChange).toBe(true);
    expect(JSON.stringify(e)).not.toContain('Xq3vR8tLp2Wn');
  });

  it('bad records skipped and counted', () => {
    const bad: number[] = [];
    const e = parseShadow('a:*:1:2:3:4:5:6:\ntruncated:$6$x\nb:*:NaN::::::\n\u0000\u0001\n', (line) => bad.push(line));
    expect(e.map((x) => x.name)).toEqual(['a']);
    expect(bad).toEqual([2, 3, 4]);
  });

  it('reads host-a without exporting hashes', async () => {
    const r = await collectOnce(shadow, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.samples).toContain('hostbaseline_user_password_info{name="toor",state="empty",algorithm="none"} 1');
    expect(r.samples).toContain('hostbaseline_user_password_info{name="root",state="set",algorithm="yescrypt"} 1');
    expect(r.samples).not.toMatch(/\$[56y]\$/);
    expect(JSON.stringify(r.tables)).not.toMatch(/\$[56y]\$/);
  });

  it('a directory where /etc/shadow should be: the collector fails naming the file', async () => {
    const root = hostWith({});
    mkdirSync(path.join(root, 'etc/shadow'), { recursive: true });
    const r = await collectOnce(shadow, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/etc/shadow');
  });

  it('oversized shadow fails; missing shadow is zero rows', async () => {
    const big = await collectOnce(shadow, hostWith({ '/etc/shadow': 'x:*:1:::::::\n'.repeat(1000) }), { maxFileBytes: 4096 });
    expect(big.state.lastError).toMatch(/\/etc\/shadow: file too large/);
    const none = await collectOnce(shadow, hostWith({}));
    expect(none.state.success).toBe(true);
    expect(none.tables.passwords).toEqual([]);
  });
});
