/**
 * The audit source against the real auditd: a file write under a watched path and an
 * execve must reach the test OTLP receiver as decoded events. auditd is started here if it
 * is not running; the rules are added and removed by the test (even when it fails).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEventsConfig } from '../../src/events/config.js';
import { startEvents, type Events } from '../../src/events/index.js';
import { createCommandRunner } from '../../src/host/commands.js';
import { HostFs } from '../../src/host/hostfs.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { startReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { tempDir } from '../helpers.js';
import { trackProcess } from '../support/cleanup.js';

function auditctl(...args: string[]) {
  return spawnSync('auditctl', args, { encoding: 'utf8' });
}

function auditStatus(): Record<string, string> | null {
  const r = auditctl('-s');
  if (r.status !== 0) return null;
  return Object.fromEntries(r.stdout.split('\n').map((l) => l.split(' ')).filter((p) => p.length >= 2).map(([k, v]) => [k!, v!]));
}

/** Why the real auditd cannot be used here, or null when it can. */
function unavailable(): string | null {
  if (!existsSync('/usr/sbin/auditd') || spawnSync('which', ['auditctl']).status !== 0) return 'auditd is not installed (apt-get install auditd)';
  if (process.getuid?.() !== 0) return 'needs root';
  const s = auditStatus();
  if (!s) return `auditctl -s failed: ${auditctl('-s').stderr.trim()}`;
  return null;
}

const reason = unavailable();
const ci = process.env.CI === 'true';

describe.skipIf(reason !== null && !ci)('audit events from the real auditd', () => {
  let daemon: ChildProcess | null = null;
  let wasEnabled = '1';
  const dir = tempDir('hb-audit-');
  const watched = `${dir}/watched`;
  const tool = `${dir}/hb-audit-true`;
  const rules: string[][] = [];
  let receiver: OtlpReceiver;
  let events: Events;

  beforeAll(async () => {
    if (reason) throw new Error(`the real auditd is needed under CI: ${reason}`);
    const s = auditStatus()!;
    wasEnabled = s.enabled ?? '0';
    if (s.pid === '0' || !s.pid) {
      // Not running: start it in the foreground mode as our child, stopped in afterAll.
      daemon = trackProcess(spawn('auditd', ['-n', '-s', 'nochange'], { stdio: 'ignore' }));
      for (let i = 0; i < 50 && auditStatus()?.pid === '0'; i++) await new Promise((r) => setTimeout(r, 100));
      if (auditStatus()?.pid === '0') throw new Error('auditd did not start');
    }
    if (wasEnabled !== '1') execFileSync('auditctl', ['-e', '1']);
    mkdirSync(watched, { recursive: true });
    copyFileSync('/bin/true', tool);
    const watchRule = ['-w', watched, '-p', 'wa', '-k', 'hbtest'];
    const execRule = ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-F', `exe=${tool}`, '-k', 'hbexec'];
    execFileSync('auditctl', watchRule);
    rules.push(['-W', ...watchRule.slice(1)]);
    execFileSync('auditctl', execRule);
    rules.push(['-d', ...execRule.slice(1)]);

    receiver = await startReceiver();
    const config = resolveEventsConfig(
      {
        args: { positionals: [], values: new Map([['events.otlp.endpoint', [receiver.baseUrl]]]) },
        events: { syslog: { enabled: false }, drift: { enabled: false }, flush_interval: '50ms' },
        configFile: null,
        stateDir: tempDir('hb-audit-state-'),
      },
      {},
    )!;
    events = (await startEvents(config, { fs: new HostFs({ rootfs: '/' }), log: memoryLogger(), clock: systemClock, commands: createCommandRunner() }))!;
    // Let the follower take its starting position (the end of the existing log) first.
    await new Promise((r) => setTimeout(r, 500));
  }, 20_000);

  afterAll(async () => {
    await events?.stop(2000);
    await receiver?.stop();
    for (const r of rules) auditctl(...r);
    if (wasEnabled !== '1') auditctl('-e', wasEnabled);
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon!.once('exit', r));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
  });

  it('a write under a watched path arrives with its path, executable and uid', async () => {
    writeFileSync(`${watched}/secret.txt`, 'x');
    const r = await receiver.waitForEvent('hostbaseline.audit.file', (r) => r.attributes['file.path'] === `${watched}/secret.txt`, 10_000);
    expect(r.attributes).toMatchObject({ 'hostbaseline.audit.key': 'hbtest', 'user.id': process.getuid!(), 'process.pid': expect.any(Number) });
    expect(r.attributes['process.executable.path']).toBe(realpathSync(process.execPath));
    expect(r.resource['service.name']).toBe('hostbaseline');
  }, 15_000);

  it('an execve arrives with the executable, decoded arguments and uid', async () => {
    execFileSync(tool, ['hello world', '--password=hunter2']);
    const r = await receiver.waitForEvent('hostbaseline.process.exec', (r) => r.attributes['process.executable.path'] === tool, 10_000);
    expect(r.attributes).toMatchObject({
      'process.command_args': [tool, 'hello world', '--password=<redacted>'],
      'user.id': 0,
      'hostbaseline.audit.key': 'hbexec',
      'hostbaseline.audit.success': true,
    });
    expect(r.attributes['process.working_directory']).toBe(process.cwd());
  }, 15_000);

  it('an execve carrying credentials arrives with each of them redacted, the options kept', async () => {
    const secrets = ['AuditGluedPw42', 'AuditUrlPw77', 'eyJhbGciOiJIUzI1NiJ9.eyJhdWRpdCI6MX0.QXVkaXRTaWduYXR1cmU5OQ', 'AuditApiKey0123456789'];
    spawnSync(tool, ['-u', 'root', `-p${secrets[0]}`, `https://deploy:${secrets[1]}@db.example.com/`, '-H', `Authorization: Bearer ${secrets[2]}`, `--api-key=${secrets[3]}`], {
      argv0: 'mysql',
    });
    const r = await receiver.waitForEvent('hostbaseline.process.exec', (r) => (r.attributes['process.command_args'] as string[] | undefined)?.[0] === 'mysql', 10_000);
    expect(r.attributes['process.command_args']).toEqual([
      'mysql',
      '-u',
      'root',
      '-p<redacted>',
      'https://deploy:<redacted>@db.example.com/',
      '-H',
      'Authorization: Bearer <redacted>',
      '--api-key=<redacted>',
    ]);
    const sent = JSON.stringify(receiver.records);
    for (const s of secrets) expect(sent).not.toContain(s);
  }, 15_000);
});

if (reason !== null && !ci) {
  describe('audit events from the real auditd', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
}
