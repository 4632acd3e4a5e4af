import { describe, expect, it } from 'vitest';
import { AuditAssembler, auditEvents, type AuditGroup } from '../../../src/events/audit/events.js';
import { decodeSockaddr, parseAuditLine, redactArgs } from '../../../src/events/audit/parse.js';

const GS = '\x1d';
function group(lines: string[]): AuditGroup {
  return lines.map((l) => parseAuditLine(l)!);
}

describe('audit records', () => {
  it('parses raw and enriched records, and rejects garbage', () => {
    const r = parseAuditLine(`type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exe="/usr/bin/ls" key="hbexec"${GS}ARCH=x86_64 SYSCALL=execve UID="alice"`)!;
    expect(r).toMatchObject({ type: 'SYSCALL', time: 1700000000123, serial: 456, fields: { syscall: '59', exe: '/usr/bin/ls', key: 'hbexec' }, enriched: { UID: 'alice' } });
    expect(parseAuditLine('garbage \u0000\u00ff')).toBeNull();
    expect(parseAuditLine('type=SYSCALL msg=audit(17000')).toBeNull(); // half-written line
  });

  it('turns EXECVE + SYSCALL + CWD into a process event with decoded, redacted arguments', () => {
    const [e] = auditEvents(
      group([
        `type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 ppid=10 pid=11 auid=1000 uid=1000 gid=1000 euid=0 ses=3 tty=pts0 comm="mytool" exe="/usr/local/bin/mytool" key="hbexec"${GS}UID="alice"`,
        'type=EXECVE msg=audit(1700000000.123:456): argc=4 a0="mytool" a1=612062 a2="--password" a3="hunter2"',
        'type=CWD msg=audit(1700000000.123:456): cwd="/home/alice"',
        'type=PROCTITLE msg=audit(1700000000.123:456): proctitle=6D79746F6F6C',
      ]),
    );
    expect(e!.name).toBe('hostbaseline.process.exec');
    expect(e!.attributes).toMatchObject({
      'process.pid': 11,
      'process.parent_pid': 10,
      'process.executable.path': '/usr/local/bin/mytool',
      'process.command_args': ['mytool', 'a b', '--password', '<redacted>'],
      'process.working_directory': '/home/alice',
      'user.id': 1000,
      'user.name': 'alice',
      'process.user.id': 0,
      'hostbaseline.audit.auid': 1000,
      'hostbaseline.audit.key': 'hbexec',
      'hostbaseline.audit.success': true,
    });
    expect(e!.time).toBe(1700000000123);
  });

  it('redacts secret-looking arguments and caps long ones', () => {
    expect(redactArgs(['curl', 'https://bob:pw@x.example/', 'API_TOKEN=abc', '--token', 'abc', 'x'.repeat(300)])).toEqual([
      'curl',
      'https://bob:<redacted>@x.example/',
      'API_TOKEN=<redacted>',
      '--token',
      '<redacted>',
      'x'.repeat(256) + '…',
    ]);
    expect(redactArgs(Array.from({ length: 70 }, (_, i) => String(i)))).toHaveLength(65);
  });

  it('decodes socket addresses of connect and bind', () => {
    expect(decodeSockaddr('02000050C0A800010000000000000000')).toEqual({ family: 'inet', port: 80, address: '192.168.0.1' });
    expect(decodeSockaddr('0A001F90000000000000000000000000000000000000000100000000')).toEqual({ family: 'inet6', port: 8080, address: '::1' });
    const [e] = auditEvents(
      group([
        'type=SYSCALL msg=audit(1700000001.000:7): arch=c000003e syscall=42 success=no exit=-111 pid=5 uid=0 comm="curl" exe="/usr/bin/curl" key="net"',
        'type=SOCKADDR msg=audit(1700000001.000:7): saddr=0200005D5DB8D8220000000000000000',
      ]),
    );
    expect(e).toMatchObject({ name: 'hostbaseline.network.connect', attributes: { 'network.peer.address': '93.184.216.34', 'network.peer.port': 93, 'network.type': 'ipv4', 'hostbaseline.audit.success': false } });
  });

  it('reports user logins, sudo commands (executable and hash only) and account changes', () => {
    const login = auditEvents(group([`type=USER_LOGIN msg=audit(1700000002.000:8): pid=900 uid=0 auid=1000 ses=5 msg='op=login id=1000 exe="/usr/sbin/sshd" hostname=10.0.0.5 addr=10.0.0.5 terminal=sshd res=failed'${GS}UID="root" ID="alice"`]))[0]!;
    expect(login).toMatchObject({ name: 'hostbaseline.user.login', severity: 'WARN', attributes: { 'user.name': 'alice', 'client.address': '10.0.0.5', 'hostbaseline.audit.result': 'failed' } });
    const cmd = auditEvents(group([`type=USER_CMD msg=audit(1700000003.000:9): pid=901 uid=1000 auid=1000 ses=5 msg='cwd="/root" cmd=2F7573722F62696E2F6563686F20736563726574 exe="/usr/bin/sudo" terminal=pts/0 res=success'`]))[0]!;
    expect(cmd.name).toBe('hostbaseline.user.command');
    expect(cmd.attributes['process.executable.path']).toBe('/usr/bin/echo');
    expect(cmd.attributes['hostbaseline.command.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(cmd)).not.toContain('secret');
    const add = auditEvents(group([`type=ADD_USER msg=audit(1700000004.000:10): pid=902 uid=0 auid=1000 ses=5 msg='op=adding user id=1001 exe="/usr/sbin/useradd" hostname=? addr=? terminal=pts/0 res=success'${GS}ID="mallory"`]))[0]!;
    expect(add).toMatchObject({ name: 'hostbaseline.account.user_added', severity: 'WARN', attributes: { 'user.name': 'mallory', 'hostbaseline.account.id': 1001 } });
  });

  it('reports AppArmor and SELinux denials (fixtures in their real format)', () => {
    const aa = auditEvents(
      group([
        'type=AVC msg=audit(1700000005.100:11): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
      ]),
    )[0]!;
    expect(aa).toMatchObject({
      name: 'hostbaseline.apparmor.denied',
      severity: 'WARN',
      attributes: { 'hostbaseline.apparmor.profile': '/usr/sbin/cupsd', 'file.path': '/etc/shadow', 'process.pid': 1234, 'hostbaseline.apparmor.denied_mask': 'r' },
    });
    const se = auditEvents(
      group([
        'type=AVC msg=audit(1700000006.200:12): avc:  denied  { read write } for  pid=4321 comm="httpd" name="index.html" dev="dm-0" ino=1234 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0',
        'type=SYSCALL msg=audit(1700000006.200:12): arch=c000003e syscall=257 success=no exit=-13 pid=4321 uid=48 comm="httpd" exe="/usr/sbin/httpd"',
      ]),
    )[0]!;
    expect(se).toMatchObject({
      name: 'hostbaseline.selinux.denied',
      attributes: {
        'hostbaseline.selinux.permissions': ['read', 'write'],
        'hostbaseline.selinux.tclass': 'file',
        'hostbaseline.selinux.permissive': false,
        'file.path': 'index.html',
        'process.executable.path': '/usr/sbin/httpd',
        'user.id': 48,
      },
    });
  });

  it('groups records by serial; a group ends at EOE or after the window', () => {
    const got: string[][] = [];
    const a = new AuditAssembler((g) => got.push(g.map((r) => `${r.type}:${r.serial}`)), 100);
    const add = (l: string, now: number) => a.add(parseAuditLine(l)!, now);
    add('type=SYSCALL msg=audit(1.000:1): syscall=59', 0);
    add('type=SYSCALL msg=audit(1.000:2): syscall=59', 0);
    add('type=EXECVE msg=audit(1.000:1): argc=1 a0="x"', 10);
    add('type=EOE msg=audit(1.000:1): ', 20);
    expect(got).toEqual([['SYSCALL:1', 'EXECVE:1']]);
    a.flush(50);
    expect(got).toHaveLength(1);
    a.flush(200);
    expect(got).toEqual([['SYSCALL:1', 'EXECVE:1'], ['SYSCALL:2']]);
  });
});
