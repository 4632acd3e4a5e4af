import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATIC_FLAGS } from '../../../src/config/config.js';
import { auditEvents } from '../../../src/events/audit/events.js';
import { parseAuditLine, redactArgs } from '../../../src/events/audit/parse.js';
import { EVENT_FLAGS } from '../../../src/events/flags.js';
import { logEvent } from '../../../src/events/syslog/parse.js';
import { formatCmdline } from '../../../src/collectors/processes/processes.parse.js';
import {
  hasUrlCredentials,
  isHighEntropyToken,
  isSecretName,
  REDACTED,
  redactArgv,
  redactCommandLine,
  redactOptionList,
  redactText,
  redactUrl,
  shellWords,
} from '../../../src/util/redact.js';
import { fixturePath } from '../../helpers.js';

interface CorpusLine {
  line: string;
  argv: string[];
  secrets: string[];
}

/** A corpus file: one shell command line a line, secrets between ⟦ and ⟧. */
function corpus(name: string): CorpusLine[] {
  return readFileSync(fixturePath(`redaction/${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const line = l.replace(/[⟦⟧]/g, '');
      return { line, argv: shellWords(line).map((w) => w.value), secrets: [...l.matchAll(/⟦(.*?)⟧/g)].map((m) => m[1]!) };
    });
}

/** An audit EXECVE record as auditd writes it: hex-encoded when an argument has a blank or a quote. */
function execveGroup(argv: string[]) {
  const enc = (a: string) => (/^[\x21\x23-\x7e]*$/.test(a) && a.length > 0 ? `"${a}"` : Buffer.from(a).toString('hex').toUpperCase());
  const ts = 'audit(1700000000.123:77)';
  return [
    `type=SYSCALL msg=${ts}: arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 auid=0 uid=0 euid=0 ses=1 comm="x" exe="/usr/bin/x" key="exec"`,
    `type=EXECVE msg=${ts}: argc=${argv.length} ${argv.map((a, i) => `a${i}=${enc(a)}`).join(' ')}`,
  ].map((l) => parseAuditLine(l)!);
}

/** Every way a command line leaves the host: audit exec events, process command lines, shell text. */
function outputs(c: CorpusLine): Record<string, string> {
  const [exec] = auditEvents(execveGroup(c.argv));
  return {
    audit: JSON.stringify(exec?.attributes),
    auditArgs: redactArgs(c.argv).join(' '),
    cmdline: formatCmdline(c.argv.join('\0') + '\0', 4096),
    shell: redactCommandLine(c.line),
  };
}

describe('credential-bearing command lines (corpus)', () => {
  const lines = corpus('credentials');

  it('holds at least 50 real-world lines, each with its secret marked', () => {
    expect(lines.length).toBeGreaterThanOrEqual(50);
    for (const c of lines) expect(c.secrets.length, c.line).toBeGreaterThan(0);
  });

  it('leaks no secret, through audit events, /proc command lines or shell text', () => {
    const leaks: string[] = [];
    for (const c of lines)
      for (const [where, text] of Object.entries(outputs(c))) for (const s of c.secrets) if (text.includes(s)) leaks.push(`${where}: ${s} in ${text}`);
    expect(leaks).toEqual([]);
  });

  it('keeps the option or variable name in front of a redacted value', () => {
    const shown = (l: string) => redactCommandLine(l);
    expect(shown('mysql -u root -pS3cret appdb')).toBe('mysql -u root -p<redacted> appdb');
    expect(shown('sshpass -p S3cret ssh host')).toBe('sshpass -p <redacted> ssh host');
    expect(shown('redis-cli -a S3cret INFO')).toBe('redis-cli -a <redacted> INFO');
    expect(shown('curl -u bob:S3cret https://x.example/')).toBe('curl -u bob:<redacted> https://x.example/');
    expect(shown('curl -H "Authorization: Bearer abc.def.ghi" https://x')).toBe('curl -H "Authorization: Bearer <redacted>" https://x');
    expect(shown('app --password=S3cret --token abc123 -v')).toBe('app --password=<redacted> --token <redacted> -v');
    expect(shown('PGPASSWORD=S3cret psql -h db')).toBe('PGPASSWORD=<redacted> psql -h db');
    expect(shown('git clone https://oauth2:S3cret@gitlab.example.com/x.git')).toBe('git clone https://oauth2:<redacted>@gitlab.example.com/x.git');
    expect(shown('mysql -u root -p appdb')).toBe('mysql -u root -p appdb'); // a lone -p prompts
    expect(shown('mysql -pab appdb')).toBe('mysql -p<redacted> appdb');
    expect(shown('curl -sSu admin:S3cret https://x')).toBe('curl -sSu admin:<redacted> https://x');
    expect(shown('unzip -oP S3cret a.zip')).toBe('unzip -oP <redacted> a.zip');
    expect(shown('docker run -p 8080:80 nginx')).toBe('docker run -p 8080:80 nginx'); // -p is a port here
    expect(shown('sqlplus scott/tiger@orcl')).toBe('sqlplus scott/<redacted>@orcl');
  });
});

describe('ordinary command lines (corpus)', () => {
  const lines = corpus('ordinary');

  it('holds at least 50 lines; most stay exactly as they were', () => {
    expect(lines.length).toBeGreaterThanOrEqual(50);
    const changed = lines.filter((c) => redactCommandLine(c.line) !== c.line || redactArgv(c.argv).join('\0') !== c.argv.join('\0'));
    // The figure the README and the bench report: how many ordinary lines lose something.
    console.log(`redaction corpus: ${changed.length} of ${lines.length} ordinary command lines changed`);
    for (const c of changed) console.log(`  changed: ${c.line}\n       to: ${redactCommandLine(c.line)}`);
    expect(changed.length).toBeLessThanOrEqual(Math.floor(lines.length * 0.1));
  });
});

describe('secret names', () => {
  it('recognises the conventions and leaves switches, files and look-alikes alone', () => {
    for (const n of ['password', 'PASSWORD', 'db_pass', 'MYSQL_PWD', 'PGPASSWORD', 'api-key', 'apiKey', 'X-Api-Key', 'npmAuthToken', '_authToken', 'AWS_SECRET_ACCESS_KEY', 'client_secret', 'X-Amz-Signature', 'sig', 'Authorization', 'Cookie', 'storepass', 'passphrase', 'events.otlp.header', 'OTEL_EXPORTER_OTLP_HEADERS', 'requirepass', 'rd.luks.key'])
      expect(isSecretName(n), n).toBe(true);
    for (const n of ['PWD', 'OLDPWD', 'user', 'username', 'password-file', 'token_ttl', 'no-password', 'ask-pass', 'password-store', 'PasswordAuthentication', 'module.sig_enforce', 'key_mgmt', 'spec_store_bypass_disable', 'vconsole.keymap', 'author', 'keyboard', 'passthrough', 'auth-type'])
      expect(isSecretName(n), n).toBe(false);
  });
});

describe('URLs', () => {
  it('replaces the password, a token used as user name and secret query values', () => {
    expect(redactUrl('https://alice:s3cret@pypi.example.com/simple/')).toBe('https://alice:<redacted>@pypi.example.com/simple/');
    expect(redactUrl('https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/org/repo.git')).toBe('https://<redacted>@github.com/org/repo.git');
    expect(redactUrl('https://user:p@ss@host.example/x')).toBe('https://user:<redacted>@host.example/x');
    expect(redactUrl('mirror+https://u:p@mirror.example/list')).toBe('mirror+https://u:<redacted>@mirror.example/list');
    expect(redactUrl('ssh://git@github.com/org/repo.git')).toBe('ssh://git@github.com/org/repo.git');
    expect(redactUrl('https://repo.example/el9/?token=abc&arch=x86_64')).toBe('https://repo.example/el9/?token=<redacted>&arch=x86_64');
    expect(redactUrl('https://b.s3.example/x?X-Amz-Signature=deadbeef#frag')).toBe('https://b.s3.example/x?X-Amz-Signature=<redacted>#frag');
    expect(redactUrl('https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=abc%2Bdef')).toBe('https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=<redacted>');
  });
  it('leaves other URLs and sources alone', () => {
    for (const u of ['https://m.example/metalink?repo=fedora-$releasever&arch=$basearch', 'cdrom:[Debian GNU/Linux 12]/', '/srv/wheels', 'https://x.example/?q=linux&page=2'])
      expect(redactUrl(u)).toBe(u);
    expect(redactUrl('  https://x.example/  ')).toBe('https://x.example/');
  });
  it('says whether a URL carries credentials', () => {
    expect(hasUrlCredentials('https://a:b@x/')).toBe(true);
    expect(hasUrlCredentials('https://x/~a@b')).toBe(false);
  });
});

describe('text', () => {
  it('redacts headers, assignments, JSON values, SQL passwords and bearer tokens', () => {
    expect(redactText('Authorization: Basic dXNlcjpwYXNz')).toBe('Authorization: Basic <redacted>');
    expect(redactText('password=hunter2 user=bob')).toBe('password=<redacted> user=bob');
    expect(redactText('{"user":"bob","password":"hunter2"}')).toBe('{"user":"bob","password":"<redacted>"}');
    expect(redactText("ALTER USER app WITH PASSWORD 'hunter2'")).toBe("ALTER USER app WITH PASSWORD '<redacted>'");
    expect(redactText('got Bearer abc123XYZ from header')).toBe('got Bearer <redacted> from header');
    expect(redactText('Failed password for root from 10.0.0.1 port 22 ssh2')).toBe('Failed password for root from 10.0.0.1 port 22 ssh2');
  });

  it('redacts known token formats wherever they are', () => {
    const tokens = [
      'ghp_' + 'a1B2'.repeat(9),
      'github_pat_' + 'A1b2C3d4E5'.repeat(4),
      'glpat-' + 'x1Y2z3W4v5'.repeat(2),
      'xoxb-123456789012-1234567890123-' + 'aB1'.repeat(8),
      'AKIA' + 'ABCDEFGHIJKLMNOP',
      'AIza' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
      'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'npm_' + 'aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    ];
    for (const t of tokens) {
      const out = redactText(`value: ${t} end`);
      expect(out, t).not.toContain(t.slice(0, -1).slice(8));
      expect(out).toContain(REDACTED);
    }
  });

  it('redacts random-looking tokens, not hashes, UUIDs, paths or words', () => {
    let caught = 0;
    for (let i = 0; i < 200; i++) if (isHighEntropyToken(randomBytes(24).toString('base64url'))) caught++;
    expect(caught).toBeGreaterThanOrEqual(190);
    for (const fact of [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '9fceb02d0ae598e95dc970b74767f19372d61af8',
      '6f1c3e2a-9b8d-4c7e-a1f2-3b4c5d6e7f80',
      '/usr/lib/x86_64-linux-gnu/libcrypto.so.3',
      'AutofillEnableAccountWalletStorage',
      'coredns-5dd5756b68-x7p2q',
      'ED25519 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
      'sha512-WFN4WqPAo9ETpxRTkKYnhSGmJ3vPLxkmfpRh0x7JwvFHIDX5b1lQjCBbT8yGw+tUOVUc9g3aV5fvqwU1e1A==',
    ])
      expect(redactText(fact), fact).toBe(fact);
  });

  it('is stable: redacting twice changes nothing more', () => {
    for (const c of corpus('credentials')) expect(redactCommandLine(redactCommandLine(c.line)), c.line).toBe(redactCommandLine(c.line));
  });

  it('stays linear on hostile input', () => {
    const t0 = performance.now();
    redactText('a=' + 'x'.repeat(200_000) + ' password=' + 'b'.repeat(100_000));
    redactCommandLine('"'.repeat(50_000) + ' -p' + "'".repeat(50_000));
    redactArgv(Array.from({ length: 5000 }, (_, i) => (i % 2 ? '--token' : 'x')));
    // A catastrophic pattern would take seconds or minutes; a linear pass takes milliseconds.
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('option lists', () => {
  it('redacts mount credentials, keeps the rest', () => {
    expect(redactOptionList(['username=bob', 'password=hunter2', 'vers=3.0', 'credentials=/etc/cifs-creds', 'rw'])).toEqual([
      'username=bob',
      'password=<redacted>',
      'vers=3.0',
      'credentials=/etc/cifs-creds',
      'rw',
    ]);
  });
});

describe("the exporter's own secret flags", () => {
  const secretFlags = [...STATIC_FLAGS, ...EVENT_FLAGS].filter((f) => f.secret);

  it('include the OTLP header', () => {
    expect(secretFlags.map((f) => f.name)).toContain('events.otlp.header');
  });

  it('never show their value, in any form a command line may hold them', () => {
    const value = 'x-scope-orgid=tenant-7f3a';
    for (const f of secretFlags) {
      for (const argv of [
        ['/usr/bin/node', '/usr/lib/hostbaseline/bin/hostbaseline-exporter.js', `--${f.name}=${value}`],
        ['hostbaseline-exporter', `--${f.name}`, value],
        ['hostbaseline-exporter', `--${f.name}=authorization=Bearer abc123XYZ`],
      ]) {
        const out = [redactArgv(argv).join(' '), formatCmdline(argv.join('\0')), redactCommandLine(argv.join(' '))].join('\n');
        expect(out, f.name).not.toContain('tenant-7f3a');
        expect(out, f.name).not.toContain('abc123XYZ');
      }
    }
  });
});

describe('syslog events', () => {
  it('redact a password typed as a user name', () => {
    const e = logEvent({ time: 0, program: 'sshd', message: 'Invalid user ghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2 from 10.0.0.1 port 22' });
    expect(e!.attributes['user.name']).toBe(REDACTED);
  });
  it('hash the redacted sudo command, so the hash does not depend on the password', () => {
    const line = (pw: string) => ({ time: 0, program: 'sudo', message: `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/mysql -p${pw} app` });
    const a = logEvent(line('hunter2'))!;
    expect(a.attributes['hostbaseline.command.sha256']).toBe(logEvent(line('other'))!.attributes['hostbaseline.command.sha256']);
    expect(a.attributes['process.working_directory']).toBe('/home/alice');
  });
});
