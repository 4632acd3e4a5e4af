import { describe, expect, it } from 'vitest';
import { logEvent, parseJournalLine, parseSyslogLine } from '../../../src/events/syslog/parse.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const ev = (line: string) => logEvent(parseSyslogLine(line, NOW)!);

describe('system log events', () => {
  it('parses traditional and RFC 3339 syslog lines', () => {
    expect(parseSyslogLine('Jan 15 11:59:01 host-a sshd[812]: hello', NOW)).toMatchObject({ host: 'host-a', program: 'sshd', pid: 812, message: 'hello' });
    // December seen in January is last year's.
    expect(new Date(parseSyslogLine('Dec 31 23:59:59 h cron[1]: x', NOW)!.time).getFullYear()).toBe(2025);
    expect(parseSyslogLine('2026-01-15T11:59:01.123456+00:00 host-a sudo: x', NOW)).toMatchObject({ time: Date.UTC(2026, 0, 15, 11, 59, 1, 123), program: 'sudo' });
    expect(parseSyslogLine('not a log line \u00ff', NOW)).toBeNull();
  });

  it('reports sshd accepted and failed logins', () => {
    expect(ev('Jan 15 11:59:01 h sshd[812]: Accepted publickey for alice from 10.0.0.5 port 50022 ssh2: ED25519 SHA256:abc')).toMatchObject({
      name: 'hostbaseline.ssh.login_succeeded',
      severity: 'INFO',
      attributes: { 'user.name': 'alice', 'source.address': '10.0.0.5', 'source.port': 50022, 'hostbaseline.auth.method': 'publickey', 'process.pid': 812 },
    });
    expect(ev('Jan 15 11:59:02 h sshd[813]: Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2')).toMatchObject({
      name: 'hostbaseline.ssh.login_failed',
      severity: 'WARN',
      attributes: { 'user.name': 'admin', 'hostbaseline.auth.invalid_user': true, 'source.address': '203.0.113.9' },
    });
    expect(ev('Jan 15 11:59:03 h sshd[814]: Invalid user oracle from 203.0.113.9 port 4243')!.name).toBe('hostbaseline.ssh.login_failed');
  });

  it('reports sudo with the executable and a hash of the command, never the command itself', () => {
    const e = ev('Jan 15 11:59:04 h sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/mysql -psecretpw')!;
    expect(e).toMatchObject({ name: 'hostbaseline.sudo.command', attributes: { 'user.name': 'alice', 'hostbaseline.sudo.target_user': 'root', 'process.executable.path': '/usr/bin/mysql' } });
    expect(JSON.stringify(e)).not.toContain('secretpw');
    expect(ev('Jan 15 11:59:05 h sudo:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh')!.name).toBe('hostbaseline.sudo.auth_failed');
    expect(ev('Jan 15 11:59:06 h sudo:      eve : user NOT in sudoers ; TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/bin/sh')!.name).toBe('hostbaseline.sudo.denied');
  });

  it('reports su sessions and failures, and kernel AppArmor denials', () => {
    expect(ev('Jan 15 11:59:07 h su[900]: pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)')).toMatchObject({
      name: 'hostbaseline.su.session',
      attributes: { 'hostbaseline.su.target_user': 'root', 'user.name': 'alice', 'user.id': 1000 },
    });
    expect(ev('Jan 15 11:59:08 h su[901]: pam_unix(su:auth): authentication failure; logname=bob uid=1001 euid=0 tty=pts/1 ruser=bob rhost=  user=root')!.name).toBe('hostbaseline.su.failed');
    const k = ev('Jan 15 11:59:09 h kernel: [ 1234.5678] audit: type=1400 audit(1768478349.123:77): apparmor="DENIED" operation="exec" profile="snap.foo" name="/usr/bin/bash" pid=77 comm="foo" requested_mask="x" denied_mask="x" fsuid=1000 ouid=0')!;
    expect(k).toMatchObject({ name: 'hostbaseline.apparmor.denied', attributes: { 'hostbaseline.apparmor.profile': 'snap.foo', 'file.path': '/usr/bin/bash', 'hostbaseline.log.program': 'kernel' } });
  });

  it('reads journal JSON, including MESSAGE as a byte array (invalid UTF-8)', () => {
    const e = parseJournalLine(JSON.stringify({ __REALTIME_TIMESTAMP: '1768478349123456', SYSLOG_IDENTIFIER: 'sshd', _PID: '812', MESSAGE: 'Accepted password for alice from 10.0.0.5 port 1 ssh2' }))!;
    expect(e).toMatchObject({ time: 1768478349123, program: 'sshd', pid: 812 });
    expect(logEvent(e)!.name).toBe('hostbaseline.ssh.login_succeeded');
    const bytes = parseJournalLine(JSON.stringify({ __REALTIME_TIMESTAMP: '1', SYSLOG_IDENTIFIER: 'x', MESSAGE: [0x68, 0xff, 0x69] }))!;
    expect(bytes.message).toBe('h\ufffdi');
    expect(parseJournalLine('{broken')).toBeNull();
  });
});
