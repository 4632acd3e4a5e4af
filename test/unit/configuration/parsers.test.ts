import { describe, expect, it } from 'vitest';
import { garbage, GARBAGE_SEEDS } from '../../support/garbage.js';
import { contentLines, sha256 } from '../../../src/collectors/configuration/common.js';
import { parseShellVars, riskySettings, weakCmdlineWords } from '../../../src/collectors/configuration/etc-defaults.parse.js';
import { isIpAddress, isSensitiveHostname, parseHosts } from '../../../src/collectors/configuration/etc-hosts.parse.js';
import { parseProtocols, parseServices, parseShells } from '../../../src/collectors/configuration/etc-services.parse.js';
import { hasFlag, isNetworkMount, parseFstab, sanitizeOptions } from '../../../src/collectors/configuration/fstab-options.parse.js';
import { isSuspiciousLibDir, parseLdSoConf, parseLdSoPreload } from '../../../src/collectors/configuration/ld-so.parse.js';
import { octalSetting, parseLoginDefs } from '../../../src/collectors/configuration/login-defs.parse.js';
import { parseResolvConf } from '../../../src/collectors/configuration/resolv-conf.parse.js';
import { parseAccessConf, parsePwquality } from '../../../src/collectors/configuration/security-config.parse.js';
import {
  apacheRisks,
  mysqlIncludes,
  mysqlRisks,
  nginxRisks,
  pgHbaRisks,
  postgresConfRisks,
  rabbitmqRisks,
  redisRisks,
} from '../../../src/collectors/configuration/server-configs.parse.js';

function bad() {
  const lines: number[] = [];
  return { lines, onBad: (line: number) => lines.push(line) };
}

describe('common', () => {
  it('contentLines drops comments and blanks, keeps line numbers', () => {
    expect(contentLines('a\n  # c\n\nb # x\n')).toEqual([
      { line: 1, text: 'a' },
      { line: 4, text: 'b' },
    ]);
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('/etc/hosts', () => {
  it('one entry per name, aliases marked, IPv6 and scopes accepted', () => {
    const e = parseHosts('127.0.0.1 localhost\n::1 localhost ip6-localhost\nfe80::1%eth0 router # gw\n');
    expect(e.map((x) => `${x.address} ${x.hostname} ${x.alias}`)).toEqual([
      '127.0.0.1 localhost false',
      '::1 localhost false',
      '::1 ip6-localhost true',
      'fe80::1%eth0 router false',
    ]);
  });
  it('skips bad addresses, lone addresses, bad names, truncated lines', () => {
    const b = bad();
    const e = parseHosts('999.1.1.1 x\n10.0.0.1\nnot-ip name\n10.0.0.2 bad/name ok\n10.0.0.3 trunc', b.onBad);
    expect(e.map((x) => x.hostname)).toEqual(['ok', 'trunc']);
    expect(b.lines).toEqual([1, 2, 3, 4]);
  });
  it('sensitive names are update/package/security domains and their sub-domains only', () => {
    expect(isSensitiveHostname('security.debian.org')).toBe(true);
    expect(isSensitiveHostname('PyPI.org.')).toBe(true);
    expect(isSensitiveHostname('notdebian.org')).toBe(false);
    expect(isIpAddress('::1')).toBe(true);
    expect(isIpAddress('1.2.3')).toBe(false);
  });
});

describe('/etc/services, /etc/protocols, /etc/shells', () => {
  it('parse entries and reject bad ones', () => {
    const b = bad();
    expect(parseServices('ssh 22/tcp # c\nhttp 80/tcp www web\nx 70000/tcp\ny tcp\n', b.onBad)).toEqual([
      { name: 'ssh', port: 22, protocol: 'tcp', aliases: '' },
      { name: 'http', port: 80, protocol: 'tcp', aliases: 'www web' },
    ]);
    expect(parseProtocols('ip 0 IP\nmptcp 262 MPTCP\nbad x\n', b.onBad).map((p) => p.number)).toEqual([0, 262]);
    expect(parseShells('/bin/sh\nsh\n/bin/a b\n', b.onBad)).toEqual(['/bin/sh']);
    expect(b.lines).toEqual([3, 4, 3, 2, 3]);
  });
});

describe('ld.so', () => {
  it('directories, includes, hwcap, separators', () => {
    const c = parseLdSoConf('include /etc/ld.so.conf.d/*.conf\ninclude a.d/*.conf b.conf\nhwcap 1 nosegneg\n/usr/lib, /opt/x:/opt/y=libc6\n/trail/\n');
    expect(c.includes).toEqual(['/etc/ld.so.conf.d/*.conf', 'a.d/*.conf', 'b.conf']);
    expect(c.dirs).toEqual(['/usr/lib', '/opt/x', '/opt/y', '/trail']);
    const b = bad();
    parseLdSoConf('relative\ninclude\n', b.onBad);
    expect(b.lines).toEqual([1, 2]);
  });
  it('preload entries split on white space and ":"', () => {
    expect(parseLdSoPreload('# c\n/lib/a.so /lib/b.so:/lib/c.so\n\n')).toEqual(['/lib/a.so', '/lib/b.so', '/lib/c.so']);
    expect(parseLdSoPreload('')).toEqual([]);
  });
  it('suspicious directories', () => {
    expect(['/tmp/x', '/dev/shm', '/home/a/lib', '/usr/lib/.hidden', '/usr/lib'].map(isSuspiciousLibDir)).toEqual([true, true, true, true, false]);
  });
});

describe('login.defs', () => {
  it('keys, quoted values, octal umask', () => {
    const kv = parseLoginDefs('UMASK 077\nENCRYPT_METHOD "YESCRYPT"\nlower case\n');
    expect(kv.get('ENCRYPT_METHOD')).toBe('YESCRYPT');
    expect(octalSetting(kv.get('UMASK'))).toBe(0o77);
    expect(octalSetting('089')).toBeNull();
  });
});

describe('fstab', () => {
  it('fields, octal escapes, short lines', () => {
    const b = bad();
    const e = parseFstab('LABEL=x /srv/a\\040b xfs nosuid 0 2\n/dev/sda1 / ext4\ngarbage\n/a /b c d e f g\n/a /b c d x\n', b.onBad);
    expect(e.map((x) => [x.mountPoint, x.options.join(',')])).toEqual([
      ['/srv/a b', 'nosuid'],
      ['/', 'defaults'],
    ]);
    expect(b.lines).toEqual([3, 4, 5]);
  });
  it('flags follow mount(8) order; user implies nosuid/noexec/nodev', () => {
    expect(hasFlag(['nosuid', 'suid'], 'nosuid')).toBe(false);
    expect(hasFlag(['defaults', 'nosuid'], 'nosuid')).toBe(true);
    expect(hasFlag(['user', 'exec'], 'noexec')).toBe(false);
    expect(hasFlag(['user'], 'nodev')).toBe(true);
  });
  it('network mounts and redacted credentials', () => {
    const [cifs] = parseFstab('//nas/share /mnt/s cifs username=bob,password=hunter2,vers=3.0 0 0\n');
    expect(isNetworkMount(cifs!)).toBe(true);
    expect(sanitizeOptions(cifs!.options).join(',')).toBe('username=bob,password=<redacted>,vers=3.0');
    expect(isNetworkMount(parseFstab('srv:/x /y nfs defaults\n')[0]!)).toBe(true);
    expect(isNetworkMount(parseFstab('/dev/sda1 /y ext4 defaults\n')[0]!)).toBe(false);
  });
});

describe('resolv.conf', () => {
  it('name servers, last search/domain wins, options', () => {
    const b = bad();
    const c = parseResolvConf('domain a\nsearch b c ; x\nnameserver 1.1.1.1\nnameserver ::1\nnameserver nope\noptions ndots:2\nbogus\n', b.onBad);
    expect(c).toEqual({ nameservers: ['1.1.1.1', '::1'], search: ['b', 'c'], domain: '', options: ['ndots:2'] });
    expect(b.lines).toEqual([5, 7]);
  });
});

describe('/etc/default and /etc/sysconfig', () => {
  it('shell variables; shell code is not an error', () => {
    const b = bad();
    const v = parseShellVars('export A="x y" # c\nB=z # comment\nif [ -f x ]; then . x; fi\nC = d\nD=\'q\'\n', b.onBad);
    expect([...v]).toEqual([
      ['A', 'x y'],
      ['B', 'z'],
      ['D', 'q'],
    ]);
    expect(b.lines).toEqual([4]);
  });
  it('risky kernel command line words and SELinux mode', () => {
    expect(weakCmdlineWords('quiet apparmor=0 selinux=0 mitigations=off init=/bin/bash audit=1')).toEqual(['apparmor=0', 'selinux=0', 'mitigations=off', 'init=shell']);
    expect(riskySettings('grub', new Map([['GRUB_CMDLINE_LINUX_DEFAULT', 'quiet enforcing=0']]))).toEqual(['GRUB_CMDLINE_LINUX_DEFAULT enforcing=0']);
    expect(riskySettings('selinux', new Map([['SELINUX', 'Disabled']]))).toEqual(['SELINUX disabled']);
    expect(riskySettings('selinux', new Map([['SELINUX', 'enforcing']]))).toEqual([]);
  });
});

describe('/etc/security', () => {
  it('access.conf rules, IPv6 origins kept whole', () => {
    const b = bad();
    expect(parseAccessConf('+ : root : LOCAL\n- : ALL : 2001:db8::/32 ::1\n* : x : y\nno colons\n', b.onBad)).toEqual([
      { permission: '+', users: 'root', origins: 'LOCAL' },
      { permission: '-', users: 'ALL', origins: '2001:db8::/32 ::1' },
    ]);
    expect(b.lines).toEqual([3, 4]);
  });
  it('pwquality keys, bare keys', () => {
    expect([...parsePwquality('minlen = 12\nenforce_for_root\n')]).toEqual([
      ['minlen', '12'],
      ['enforce_for_root', '1'],
    ]);
  });
});

describe('server config risks', () => {
  it('redis', () => {
    expect(redisRisks('port 6379\n')).toEqual(['requirepass missing', 'bind missing (all interfaces)']);
    expect(redisRisks('bind 127.0.0.1 -::1\nrequirepass s3cret\n')).toEqual([]);
    expect(redisRisks('bind * -::*\nprotected-mode no\nuser default on >pw ~* +@all\n')).toEqual(['bind all interfaces', 'protected-mode no']);
    expect(redisRisks('bind 127.0.0.1\nuser default on nopass ~* +@all\n')).toEqual(['requirepass missing']);
  });
  it('postgres', () => {
    expect(postgresConfRisks("listen_addresses = '*'\nssl = off\npassword_encryption = md5\n")).toEqual([
      'listen_addresses all interfaces',
      'ssl off',
      'password_encryption md5',
    ]);
    expect(postgresConfRisks("listen_addresses = 'localhost'\n")).toEqual([]);
    const b = bad();
    expect(pgHbaRisks('local all all trust\nhost db u 10.0.0.0/8 password\nhost all all ::1/128 scram-sha-256\ninclude_dir conf.d\nnonsense\nhost a b\n', b.onBad)).toEqual([
      'pg_hba trust local all all',
      'pg_hba password (clear text) host db u 10.0.0.0/8',
    ]);
    expect(b.lines).toEqual([5, 6]);
  });
  it('mysql: server sections only, both spellings, never values', () => {
    const text = '[client]\npassword = hunter2\nbind-address=0.0.0.0\n[mysqld]\nbind_address = *\nloose-local-infile=ON\nskip-grant-tables\nsecure_file_priv=""\n!includedir /etc/mysql/conf.d/\n';
    const r = mysqlRisks(text);
    expect(r).toEqual(['bind-address all interfaces', 'local-infile enabled', 'skip-grant-tables', 'secure-file-priv empty']);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(mysqlIncludes(text)).toEqual({ files: [], dirs: ['/etc/mysql/conf.d/'] });
    expect(mysqlRisks('[mysqld]\nbind-address = 127.0.0.1\nlocal_infile = 0\n')).toEqual([]);
  });
  it('nginx', () => {
    expect(nginxRisks('http { server_tokens on; # x\n ssl_protocols TLSv1.2 TLSv1.1;\n location / { autoindex on; } }')).toEqual([
      'server_tokens on',
      'ssl_protocols TLSv1.1',
      'autoindex on',
    ]);
    expect(nginxRisks('server_tokens off; # autoindex on;\n')).toEqual([]);
  });
  it('apache', () => {
    expect(apacheRisks('ServerTokens Full\nOptions -Indexes\nOptions \\\n  +Indexes\nSSLProtocol all\nTraceEnable on\n')).toEqual([
      'ServerTokens Full',
      'Options Indexes',
      'SSLProtocol all',
      'TraceEnable On',
    ]);
    expect(apacheRisks('ServerTokens Prod\nSSLProtocol -all +TLSv1.2\n')).toEqual([]);
  });
  it('rabbitmq', () => {
    expect(rabbitmqRisks('loopback_users = none\n')).toEqual(['loopback_users none', 'guest user reachable remotely']);
    expect(rabbitmqRisks('loopback_users.guest = false\ndefault_user = admin\n')).toEqual(['loopback_users none']);
    expect(rabbitmqRisks('listeners.tcp.default = 5672\n')).toEqual([]);
  });
});

describe('garbage never throws, and is reported', () => {
  type Parse = (g: string, onBad: (line: number, reason: string) => void) => unknown;
  it.each<[string, Parse]>([
    ['hosts', (g, b) => parseHosts(g, b)],
    ['services', (g, b) => parseServices(g, b)],
    ['protocols', (g, b) => parseProtocols(g, b)],
    ['shells', (g, b) => parseShells(g, b)],
    ['ld.so.conf', (g, b) => parseLdSoConf(g, b)],
    ['login.defs', (g, b) => parseLoginDefs(g, b)],
    ['fstab', (g, b) => parseFstab(g, b)],
    ['resolv.conf', (g, b) => parseResolvConf(g, b)],
    ['access.conf', (g, b) => parseAccessConf(g, b)],
    ['pwquality', (g, b) => parsePwquality(g, b)],
  ])('%s', (_, parse) => {
    for (const seed of GARBAGE_SEEDS) {
      const bad: string[] = [];
      expect(() => parse(garbage(seed), (line, reason) => bad.push(`${line}: ${reason}`))).not.toThrow();
      expect(bad.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(bad.every((b) => /^\d+: \S/.test(b)), `seed ${seed}: every report has a line and a reason`).toBe(true);
    }
  });
  it('shell vars: shell code is legal there, so garbage is no error, but only KEY=value lines become settings', () => {
    for (const seed of GARBAGE_SEEDS) {
      const vars = parseShellVars(garbage(seed));
      expect([...vars.keys()].every((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)), `seed ${seed}`).toBe(true);
    }
  });
  // Risk checks have no error channel: garbage sets no known directive, so the risks are those of an empty file.
  it.each<[string, (g: string) => string[]]>([
    ['redis', redisRisks],
    ['pg_hba', pgHbaRisks],
    ['mysql', mysqlRisks],
    ['nginx', nginxRisks],
    ['apache', apacheRisks],
    ['rabbitmq', rabbitmqRisks],
  ])('%s risks', (_, risks) => {
    for (const seed of GARBAGE_SEEDS) expect(risks(garbage(seed)), `seed ${seed}`).toEqual(risks(''));
  });
});
