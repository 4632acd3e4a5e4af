import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logins } from '../../src/collectors/users/logins.js';
import { shadow } from '../../src/collectors/users/shadow.js';
import { UTMP_RECORD_SIZE } from '../../src/collectors/users/utmp.parse.js';
import { users } from '../../src/collectors/users/users.js';
import { collectOnce } from '../helpers.js';
import { hostWith } from '../unit/users/fixtures.js';

function getentFiles(): string | null {
  try {
    return execFileSync('getent', ['-s', 'files', 'passwd'], { encoding: 'utf8' });
  } catch {
    if (process.env.CI === 'true') throw new Error('getent (libc-bin) is required in CI');
    return null;
  }
}

describe('users on this machine', () => {
  it('matches `getent -s files passwd` (name, uid, gid, home, shell)', async (ctx) => {
    const out = getentFiles();
    if (out === null) return ctx.skip('getent is not installed');
    // getent lists the first entry of a duplicated name once, like the collector.
    const expected = new Map<string, string>();
    for (const line of out.split('\n').filter(Boolean)) {
      const f = line.split(':');
      if (!expected.has(f[0]!)) expected.set(f[0]!, [f[0], f[2], f[3], f[5], f[6]].join(':'));
    }
    // The real host root, read only through the collector's HostFs.
    const r = await collectOnce(users, '/');
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    const got = r.tables.users!.map((u) => [u.name, u.uid, u.gid, u.home, u.shell].join(':')).sort();
    expect(got).toEqual([...expected.values()].sort());
    expect(got.length).toBeGreaterThan(0);
  });
});

describe('shadow on this machine', () => {
  it('agrees with `passwd -S -a` (status, last change, min, max, warn, inactive)', async (ctx) => {
    let out: string;
    try {
      out = execFileSync('passwd', ['-S', '-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      if (process.env.CI === 'true') throw new Error('passwd (shadow-utils) is required in CI');
      return ctx.skip('passwd (shadow-utils) is not installed');
    }
    const r = await collectOnce(shadow, '/');
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    const STATUS: Record<string, string> = { set: 'P', locked: 'L', empty: 'NP' };
    const day = (s: unknown) => (s === null ? null : new Date((s as number) * 1000).toISOString().slice(0, 10));
    const n = (v: unknown) => (v === null ? '-1' : String(v));
    // The metric columns are in seconds; passwd prints days.
    const days = (v: unknown) => (v === null ? null : (v as number) / 86_400);
    const ours = r.tables.passwords!.map((p) =>
      [p.name, STATUS[p.state as string], p.must_change ? null : day(p.last_change_seconds), n(days(p.min_age_seconds)), n(days(p.max_age_seconds)), n(p.warn_days), n(p.inactive_days)].join(' '),
    );
    const theirs = out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const f = l.trim().split(/\s+/);
        // passwd prints "01/01/1970"-style or ISO dates depending on the version; "never"/"password must be changed" become null.
        const date = /^\d{4}-\d{2}-\d{2}$/.test(f[2]!) ? f[2] : null;
        return [f[0], f[1], date, f[3], f[4], f[5], f[6]].join(' ');
      });
    expect(ours.sort()).toEqual(theirs.sort());
  });
});

describe('logins on this machine', () => {
  it('parses the real wtmp/btmp/utmp without parse errors', async (ctx) => {
    const sources = ['/var/log/wtmp', '/var/log/btmp', '/run/utmp'].filter((f) => existsSync(f));
    if (sources.length === 0) return ctx.skip('this machine keeps no wtmp, btmp or utmp');
    const root = hostWith(Object.fromEntries(sources.map((f) => [f, readFileSync(f)])));
    const r = await collectOnce(logins, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(0);
    for (const f of sources) {
      const size = readFileSync(f).length;
      expect(r.tables.login_files!.find((x) => x.file === f)).toMatchObject({ records: size / UTMP_RECORD_SIZE, size_bytes: size });
    }
    // Cross-check with util-linux's utmpdump where it is installed.
    if (existsSync('/var/log/wtmp')) {
      let dump: string | null;
      try {
        dump = execFileSync('utmpdump', ['/var/log/wtmp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        if (process.env.CI === 'true') throw new Error('utmpdump (util-linux) is required in CI');
        dump = null;
      }
      if (dump !== null) {
        const userProcesses = dump.split('\n').filter((l) => l.startsWith('[7]')).length;
        const logged = r.tables.login_history!.reduce((a, h) => a + (h.logins as number), 0);
        expect(logged).toBe(userProcesses - dump.split('\n').filter((l) => /^\[7\] \[\d+\] \[[^\]]*\] \[\s*\]/.test(l)).length);
      }
    }
  });
});
