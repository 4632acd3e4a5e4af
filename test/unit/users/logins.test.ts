import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logins } from '../../../src/collectors/users/logins.js';
import { encodeUtmp, parseUtmp, UTMP_RECORD_SIZE, UtType } from '../../../src/collectors/users/utmp.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './fixtures.js';

const T = 1768478400;

describe('utmp parser', () => {
  it('round-trips records and reads C strings that fill their field', () => {
    const recs = [
      { type: UtType.USER_PROCESS, pid: 42, line: 'pts/0', id: 'ts/0', user: 'a'.repeat(32), host: '203.0.113.7', session: 42, time: T },
      { type: UtType.BOOT_TIME, line: '~', id: '~~', user: 'reboot', host: '6.1.0', time: T - 60 },
    ];
    const buf = Buffer.concat(recs.map(encodeUtmp));
    expect(buf.length).toBe(2 * UTMP_RECORD_SIZE);
    expect(parseUtmp(buf)).toEqual([
      { type: 7, pid: 42, line: 'pts/0', id: 'ts/0', user: 'a'.repeat(32), host: '203.0.113.7', session: 42, time: T },
      { type: 2, pid: 0, line: '~', id: '~~', user: 'reboot', host: '6.1.0', session: 0, time: T - 60 },
    ]);
  });

  it('a truncated trailing record and garbage types are reported, the rest kept', () => {
    const good = encodeUtmp({ type: 7, user: 'alice', time: T });
    const garbage = Buffer.alloc(UTMP_RECORD_SIZE, 0xff);
    const bad: string[] = [];
    const out = parseUtmp(Buffer.concat([good, garbage, good, good.subarray(0, 100)]), (_, r) => bad.push(r));
    expect(out.map((r) => r.user)).toEqual(['alice', 'alice']);
    expect(bad).toEqual([`record at byte 384: unknown ut_type -1`, 'truncated record at byte 1152: 100 of 384 bytes']);
  });

  it('agrees with utmpdump on the committed fixture when util-linux is installed', async (ctx) => {
    const { execFileSync } = await import('node:child_process');
    let dump: string;
    try {
      dump = execFileSync('utmpdump', [fixturePath('host-a') + '/var/log/wtmp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      if (process.env.CI === 'true') throw new Error('utmpdump (util-linux) is required in CI');
      return ctx.skip('utmpdump (util-linux) is not installed');
    }
    const ours = parseUtmp(readFileSync(fixturePath('host-a') + '/var/log/wtmp'));
    const theirs = dump.trim().split('\n').map((l) => [...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!.trim()));
    expect(theirs.map((f) => [Number(f[0]), Number(f[1]), f[3], f[4], f[5]])).toEqual(ours.map((r) => [r.type, r.pid, r.user, r.line, r.host]));
  });
});

describe('logins collector', () => {
  it('host-a: sessions, history, failed logins with unknown names pooled', async () => {
    const r = await collectOnce(logins, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    expect(r.tables.logged_in_users).toEqual([
      { user: 'alice', sessions: 2, remote_hosts: 1 },
      { user: 'root', sessions: 1, remote_hosts: 0 },
    ]);
    const h = Object.fromEntries(r.tables.login_history!.map((x) => [x.user, x]));
    expect(h.alice).toMatchObject({ logins: 3, last_login_seconds: T - 3600, source_hosts: 2, failed_logins: 0 });
    expect(h.root).toMatchObject({ logins: 1, failed_logins: 2 });
    expect(h['(unknown)']).toMatchObject({ logins: 0, failed_logins: 3 });
    // A password typed as a user name never becomes a label.
    expect(r.samples).not.toContain('P@ssw0rd');
    expect(r.samples).not.toContain('admin');
    expect(r.samples).not.toContain('203.0.113.7');
    expect(r.tables.login_summary).toEqual([{ sessions: 3, users_logged_in: 2, boots: 2, last_boot_seconds: T - 72 * 3600 }]);
  });

  it('a truncated wtmp is a counted parse error, the whole records still count', async () => {
    const rec = encodeUtmp({ type: UtType.USER_PROCESS, user: 'alice', host: 'h', time: T });
    const root = hostWith({ '/var/log/wtmp': Buffer.concat([rec, rec, rec.subarray(0, 17)]) });
    const r = await collectOnce(logins, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.login_history).toEqual([{ user: 'alice', logins: 2, last_login_seconds: T, failed_logins: 0, last_failed_login_seconds: null, source_hosts: 1 }]);
  });

  it('no login files: zero rows; oversized wtmp fails naming it', async () => {
    const none = await collectOnce(logins, hostWith({}));
    expect(none.state.success).toBe(true);
    expect(none.tables.login_history).toEqual([]);
    const root = hostWith({ '/var/log/wtmp': Buffer.alloc(UTMP_RECORD_SIZE * 10) });
    const big = await collectOnce(logins, root, { maxFileBytes: UTMP_RECORD_SIZE * 2 });
    expect(big.state.success).toBe(false);
    expect(big.state.lastError).toMatch(/\/var\/log\/wtmp: file too large/);
  });
});
