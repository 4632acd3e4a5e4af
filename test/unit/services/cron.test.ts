import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cron } from '../../../src/collectors/services/cron.js';
import { parseCrontab } from '../../../src/collectors/services/cron.parse.js';
import { commandExecutable, sha256Hex } from '../../../src/collectors/services/common.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { garbage, GARBAGE_SEEDS } from '../../support/garbage.js';

describe('parseCrontab', () => {
  it('reads system lines with a user, nicknames, and skips environment lines and comments', () => {
    const bad: string[] = [];
    const jobs = parseCrontab(
      'SHELL=/bin/sh\nMAILTO = x@y\n# c\n\n*/5 1-3 * jan mon-fri root /bin/a b\n@Reboot bob /x\n@never root y\n1 2 3 root\n',
      true,
      (l, r) => bad.push(`${l}:${r}`),
    );
    expect(jobs).toEqual([
      { line: 5, schedule: '*/5 1-3 * jan mon-fri', user: 'root', command: '/bin/a b' },
      { line: 6, schedule: '@reboot', user: 'bob', command: '/x' },
    ]);
    expect(bad).toEqual(['7:unknown schedule @never', '8:expected five schedule fields']);
  });
  it('user crontabs have no user field', () => {
    expect(parseCrontab('0 0 * * * /bin/echo hi\n', false)).toEqual([{ line: 1, schedule: '0 0 * * *', user: '', command: '/bin/echo hi' }]);
  });
  it('a schedule without a command is malformed', () => {
    const bad: number[] = [];
    expect(parseCrontab('0 0 * * * root\n', true, (l) => bad.push(l))).toEqual([]);
    expect(bad).toEqual([1]);
  });
  it('garbage does not throw, and every bad line is reported', () => {
    const bad: number[] = [];
    expect(parseCrontab('\u0000\u0001 garbage\n@\n* * * * *', false, (l) => bad.push(l))).toEqual([]);
    expect(bad).toEqual([1, 2, 3]);
    for (const seed of GARBAGE_SEEDS) {
      const lines: number[] = [];
      expect(() => parseCrontab(garbage(seed), true, (l) => lines.push(l))).not.toThrow();
      expect(lines.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});

describe('commandExecutable', () => {
  it('skips environment assignments and unquotes', () => {
    expect(commandExecutable('FOO=1 BAR="a b" /usr/bin/x --y')).toBe('/usr/bin/x');
    expect(commandExecutable('"/opt/my app/run" x')).toBe('/opt/my app/run');
    expect(commandExecutable('  ')).toBe('');
  });
});

describe('cron collector on host-a', () => {
  it('reports jobs with hashed commands and never the command text', async () => {
    const r = await collectOnce(cron, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    const jobs = r.tables.cron_jobs!;
    const backup = jobs.find((j) => j.user === 'backup')!;
    expect(backup).toMatchObject({ source: '/etc/cron.d/backup', kind: 'cron_d', schedule: '@daily', executable: '/usr/local/bin/backup.sh' });
    expect(backup.command_sha256).toBe(sha256Hex('BACKUP_TOKEN=tok_9f8e7d6c5b4a /usr/local/bin/backup.sh --to s3://bucket/host-a'));
    const alice = jobs.filter((j) => j.source === '/var/spool/cron/crontabs/alice');
    expect(alice.map((j) => [j.user, j.schedule, j.executable])).toEqual([
      ['alice', '0 */2 * * *', '/home/alice/bin/sync.sh'],
      ['alice', '@reboot', '/usr/bin/tmux'],
    ]);
    expect(jobs.find((j) => j.source === '/var/spool/cron/root')).toMatchObject({ user: 'root', executable: '/bin/sh' });
    const all = JSON.stringify(r.tables) + r.samples;
    for (const secret of ['hunter2', 'tok_9f8e7d6c5b4a', '203.0.113.7']) expect(all).not.toContain(secret);
    expect(r.tables.cron_job_counts).toEqual([
      { kind: 'cron_d', count: 4 },
      { kind: 'system', count: 4 },
      { kind: 'user', count: 3 },
    ]);
    const scripts = r.tables.cron_scripts!;
    expect(scripts.map((s) => [s.path, s.runs])).toEqual([
      ['/etc/cron.daily/dpkg', true],
      ['/etc/cron.daily/logrotate', true],
      ['/etc/cron.hourly/disabled.sh', false],
      ['/etc/cron.weekly/man-db', true],
    ]);
    expect(r.state.parseErrorsTotal).toBe(2); // "this line is not a job", "@fortnightly"
  });

  it('an empty host succeeds with no jobs', async () => {
    const r = await collectOnce(cron, fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(r.tables.cron_jobs).toEqual([]);
  });

  it('a FIFO, a directory and a symlink loop in cron.d are skipped, the rest is read', async () => {
    const root = tempDir();
    const d = path.join(root, 'etc/cron.d');
    mkdirSync(d, { recursive: true });
    execFileSync('mkfifo', [path.join(d, 'fifo')]);
    mkdirSync(path.join(d, 'subdir'));
    symlinkSync('loop', path.join(d, 'loop'));
    writeFileSync(path.join(d, 'good'), '* * * * * root /bin/true\n');
    const r = await collectOnce(cron, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.cron_jobs!.map((j) => j.source)).toEqual(['/etc/cron.d/good']);
    expect(r.state.parseErrorsTotal).toBe(3);
  });

  it('an /etc/crontab that is a directory fails the collector, naming the file', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'etc/crontab'), { recursive: true });
    const r = await collectOnce(cron, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/etc/crontab');
  });
});
