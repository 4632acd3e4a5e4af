import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshAuthorizedKeys, expandKeysPath } from '../../../src/collectors/users/ssh-authorized-keys.js';
import { globMatch, parseSshConfig, splitArgs } from '../../../src/collectors/users/ssh-config.parse.js';
import { sshConfig } from '../../../src/collectors/users/ssh-config.js';
import { countKnownHosts, sshKnownHosts } from '../../../src/collectors/users/ssh-known-hosts.js';
import { bitLength, keyBlobInfo, parseAuthorizedKey, parsePrivateKey } from '../../../src/collectors/users/ssh-key.parse.js';
import { sshPrivateKeys } from '../../../src/collectors/users/ssh-private-keys.js';
import { sshdConfig } from '../../../src/collectors/users/sshd-config.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';
import { hostWith } from './fixtures.js';

const HOST_A = fixturePath('host-a');
const ALICE_PUB = readFileSync(path.join(HOST_A, 'home/alice/.ssh/id_ed25519.pub'), 'utf8').trim();
const BOB_PUB = readFileSync(path.join(HOST_A, 'home/bob/.ssh/id_rsa.pub'), 'utf8').trim();

function sshKeygen(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v ssh-keygen'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

describe('SSH key parsing', () => {
  it('bit lengths', () => {
    expect(bitLength(Buffer.from([0x00, 0x80, 0x00]))).toBe(16);
    expect(bitLength(Buffer.from([0x01]))).toBe(1);
    expect(bitLength(Buffer.from([0, 0]))).toBe(0);
  });

  it('authorized_keys lines: options with quoted commas, type, bits, fingerprint', () => {
    const k = parseAuthorizedKey(`from="10.0.0.1,10.0.0.2",command="echo \\"a b\\", c",no-pty ${BOB_PUB}`);
    expect(k).toMatchObject({ type: 'ssh-rsa', bits: 3072, options: ['command', 'from', 'no-pty'], hasComment: true });
    expect(parseAuthorizedKey(ALICE_PUB.split(' ').slice(0, 2).join(' '))).toMatchObject({ type: 'ssh-ed25519', bits: 256, hasComment: false });
  });

  it('bad authorized_keys lines', () => {
    expect(parseAuthorizedKey('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== truncated')).toBe('malformed key blob');
    expect(parseAuthorizedKey('garbage line')).toBe('no known key type');
    expect(parseAuthorizedKey('ssh-ed25519 !!!notbase64')).toBe('missing or invalid base64 key');
    // The type word must agree with the blob.
    expect(parseAuthorizedKey(`ssh-ed25519 ${BOB_PUB.split(' ')[1]}`)).toMatch(/does not match/);
    expect(keyBlobInfo(Buffer.alloc(3))).toBeNull();
  });

  it('fingerprints and bits agree with ssh-keygen -lf for freshly made keys', (ctx) => {
    const keygen = sshKeygen();
    if (!keygen) {
      if (process.env.CI === 'true') throw new Error('ssh-keygen is required in CI');
      return ctx.skip('ssh-keygen is not installed');
    }
    const dir = tempDir('hb-ssh-');
    const cases: [string, string[]][] = [
      ['rsa1024', ['-t', 'rsa', '-b', '1024']],
      ['rsa3071', ['-t', 'rsa', '-b', '3071']],
      ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
      ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
      ['ed25519', ['-t', 'ed25519']],
    ];
    for (const [name, args] of cases) {
      const file = path.join(dir, name);
      execFileSync(keygen, [...args, '-q', '-N', '', '-C', 'c@example', '-f', file]);
      const [bits, fp] = execFileSync(keygen, ['-lf', file + '.pub'], { encoding: 'utf8' }).split(' ');
      const pub = parseAuthorizedKey(readFileSync(file + '.pub', 'utf8'));
      expect(pub, name).toMatchObject({ bits: Number(bits), fingerprint: fp });
      const priv = parsePrivateKey(readFileSync(file, 'utf8'));
      expect(priv, name).toMatchObject({ format: 'openssh', encrypted: false, bits: Number(bits), fingerprint: fp });
    }
    const enc = path.join(dir, 'enc');
    execFileSync(keygen, ['-t', 'ed25519', '-q', '-N', 'secret phrase', '-f', enc]);
    expect(parsePrivateKey(readFileSync(enc, 'utf8'))).toMatchObject({ encrypted: true, type: 'ssh-ed25519' });
    const pem = path.join(dir, 'pem');
    execFileSync(keygen, ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-q', '-N', 'pem phrase', '-f', pem]);
    expect(parsePrivateKey(readFileSync(pem, 'utf8'))).toMatchObject({ format: 'pem', type: 'ssh-rsa', encrypted: true });
  });

  it('private key formats and non-keys', () => {
    expect(parsePrivateKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n')).toMatchObject({ format: 'pkcs8', encrypted: true });
    expect(parsePrivateKey('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\n')).toMatchObject({ format: 'putty', encrypted: true });
    expect(parsePrivateKey('just a text file')).toBeNull();
    expect(parsePrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n')).toBe('unterminated PEM block');
    expect(parsePrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n')).toBe('truncated openssh-key-v1 header');
    expect(parsePrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END OPENSSH PRIVATE KEY-----\n')).toBe('no openssh-key-v1 header');
  });
});

describe('ssh config parsing', () => {
  it('keyword=value, quotes, trailing comments, case', () => {
    expect(parseSshConfig('PermitRootLogin=no\n  passwordauthentication  "yes" # why\nAuthorizedKeysFile .ssh/a "/etc/ssh/keys/%u"\n')).toEqual([
      { line: 1, keyword: 'permitrootlogin', args: ['no'] },
      { line: 2, keyword: 'passwordauthentication', args: ['yes'] },
      { line: 3, keyword: 'authorizedkeysfile', args: ['.ssh/a', '/etc/ssh/keys/%u'] },
    ]);
    const bad: number[] = [];
    parseSshConfig('Foo "unterminated\n=== garbage\nLonely\n\u0000\n', (l) => bad.push(l));
    expect(bad).toEqual([1, 2, 3, 4]);
    expect(splitArgs('a "b c" #d')).toEqual(['a', 'b c']);
  });

  it('globs', () => {
    expect(globMatch('*.conf', '50-cloud-init.conf')).toBe(true);
    expect(globMatch('*.conf', 'README.txt')).toBe(false);
    expect(globMatch('*.conf', '.hidden.conf')).toBe(false);
    expect(globMatch('[0-9]?-x', '12-x')).toBe(true);
  });

  it('AuthorizedKeysFile tokens', () => {
    const p = { user: 'alice', uid: 1000, home: '/home/alice' };
    expect(expandKeysPath('.ssh/authorized_keys', p)).toBe('/home/alice/.ssh/authorized_keys');
    expect(expandKeysPath('/etc/ssh/keys/%u', p)).toBe('/etc/ssh/keys/alice');
    expect(expandKeysPath('%h/.ssh/k_%U_%%', p)).toBe('/home/alice/.ssh/k_1000_%');
  });
});

describe('sshd_config collector', () => {
  it('host-a: includes in glob order, first value wins, Match noted, defaults', async () => {
    const r = await collectOnce(sshdConfig, HOST_A);
    expect(r.state.success).toBe(true);
    const by = Object.fromEntries(r.tables.sshd_settings!.map((s) => [s.option, s]));
    expect(by.PasswordAuthentication).toMatchObject({ value: 'yes', is_default: false, risky: true, file: '/etc/ssh/sshd_config.d/50-cloud-init.conf', overridden_in_match: true });
    expect(by.PermitRootLogin).toMatchObject({ value: 'yes', risky: true });
    expect(by.PermitEmptyPasswords).toMatchObject({ value: 'no', is_default: true }); // README.txt is not *.conf
    expect(by.Ciphers).toMatchObject({ risky: true });
    expect(by.KbdInteractiveAuthentication).toMatchObject({ value: 'no', is_default: false });
    expect(r.tables.sshd_config_summary).toEqual([{ files: 3, match_blocks: 1, risky_settings: 5 }]);
  });

  it('ChallengeResponseAuthentication is an alias; Include inside Match stays in the Match; loops reported', async () => {
    const root = hostWith({
      '/etc/ssh/sshd_config': 'ChallengeResponseAuthentication no\nInclude loop.conf\nMatch Group admins\nInclude m.conf\n',
      '/etc/ssh/loop.conf': 'Include sshd_config\nPermitRootLogin without-password\n',
      '/etc/ssh/m.conf': 'X11Forwarding yes\n',
    });
    const r = await collectOnce(sshdConfig, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(1);
    const by = Object.fromEntries(r.tables.sshd_settings!.map((s) => [s.option, s]));
    expect(by.KbdInteractiveAuthentication).toMatchObject({ value: 'no', is_default: false });
    expect(by.PermitRootLogin).toMatchObject({ value: 'prohibit-password', is_default: false, risky: false });
    expect(by.X11Forwarding).toMatchObject({ value: 'no', is_default: true, overridden_in_match: true });
  });

  it('no sshd_config: zero rows; a directory instead fails naming it', async () => {
    expect((await collectOnce(sshdConfig, hostWith({}))).tables.sshd_settings).toEqual([]);
    const root = hostWith({});
    mkdirSync(path.join(root, 'etc/ssh/sshd_config'), { recursive: true });
    const r = await collectOnce(sshdConfig, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/etc/ssh/sshd_config');
  });
});

describe('ssh_config collector', () => {
  it('host-a: system and user settings per Host block, risky flagged', async () => {
    const r = await collectOnce(sshConfig, HOST_A);
    expect(r.state.success).toBe(true);
    const risky = r.tables.ssh_client_settings!.filter((s) => s.risky).map((s) => `${s.user}|${s.host}|${s.option}=${s.value}`);
    expect(risky).toEqual([
      '|host bastion.internal.example|ForwardAgent=yes',
      'alice|*|ForwardAgent=yes',
      'alice|host 10.0.*|StrictHostKeyChecking=no',
      'alice|host 10.0.*|UserKnownHostsFile=/dev/null',
    ]);
  });
});

describe('ssh_config collector: bad input', () => {
  it('garbage lines counted, an oversized user config fails naming it, missing configs are zero rows', async () => {
    const files = {
      '/etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/bash\n',
      '/etc/ssh/ssh_config': 'Host *\n  ForwardAgent yes\n  \u0000garbage\n  StrictHostKeyChecking "no\n',
    };
    const r = await collectOnce(sshConfig, hostWith(files));
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(2);
    expect(r.tables.ssh_client_settings).toEqual([{ user: '', file: '/etc/ssh/ssh_config', host: '*', option: 'ForwardAgent', value: 'yes', risky: true }]);
    const big = await collectOnce(sshConfig, hostWith({ ...files, '/home/alice/.ssh/config': 'Host x\n'.repeat(2000) }), { maxFileBytes: 4096 });
    expect(big.state.success).toBe(false);
    expect(big.state.lastError).toMatch(/\/home\/alice\/\.ssh\/config: file too large/);
    expect((await collectOnce(sshConfig, hostWith({}))).tables.ssh_client_settings).toEqual([]);
  });
});

describe('ssh_authorized_keys collector', () => {
  it('host-a: per user, options, no comments exported', async () => {
    const r = await collectOnce(sshAuthorizedKeys, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(0);
    expect(r.tables.ssh_authorized_keys!.map((k) => `${k.user} ${k.type} ${k.bits} ${k.options}`)).toEqual([
      'alice ssh-ed25519 256 ',
      'alice ecdsa-sha2-nistp384 384 command,from,no-port-forwarding,no-pty',
      'bob ssh-rsa 3072 port-forwarding,restrict',
      'root ssh-ed25519 256 no-pty',
    ]);
    expect(JSON.stringify(r.tables) + r.samples).not.toMatch(/alice@laptop|bob@work|backup --quiet|10\.0\.0\.0/);
  });

  it('AuthorizedKeysFile from sshd_config, bad lines counted, duplicates merged', async () => {
    const root = hostWith({
      '/etc/passwd': 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nsvc:x:998:998::/var/lib/svc:/usr/sbin/nologin\n',
      '/etc/ssh/sshd_config': 'AuthorizedKeysFile /etc/ssh/keys/%u .ssh/authorized_keys\n',
      '/etc/ssh/keys/svc': `${ALICE_PUB}\n${ALICE_PUB}\nnot a key\n`,
      '/home/alice/.ssh/authorized_keys': `${BOB_PUB}\n`,
      '/home/alice/.ssh/authorized_keys2': `${ALICE_PUB}\n`, // not in AuthorizedKeysFile: not read
    });
    const r = await collectOnce(sshAuthorizedKeys, root);
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.ssh_authorized_keys!.map((k) => `${k.user} ${k.file} ${k.occurrences}`)).toEqual([
      'alice /home/alice/.ssh/authorized_keys 1',
      'svc /etc/ssh/keys/svc 2',
    ]);
  });

  it('a symlink loop where authorized_keys should be fails naming it', async () => {
    const root = hostWith({ '/etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/bash\n' });
    mkdirSync(path.join(root, 'home/alice/.ssh'), { recursive: true });
    symlinkSync('authorized_keys', path.join(root, 'home/alice/.ssh/authorized_keys'));
    const r = await collectOnce(sshAuthorizedKeys, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/home/alice/.ssh/authorized_keys');
  });
});

describe('ssh_known_hosts collector', () => {
  it('counts', () => {
    const bad: number[] = [];
    expect(countKnownHosts('|1|a|b ssh-ed25519 AAAA\nhost ssh-rsa AAAA\n@revoked * ssh-rsa AAAA\n@bogus x y z\ntruncated\n', (l) => bad.push(l))).toEqual({
      entries: 3,
      hashed: 1,
      cert_authorities: 0,
      revoked: 1,
    });
    expect(bad).toEqual([4, 5]);
  });

  it('host-a', async () => {
    const r = await collectOnce(sshKnownHosts, HOST_A);
    expect(r.tables.ssh_known_hosts).toEqual([
      { user: '', file: '/etc/ssh/ssh_known_hosts', entries: 1, hashed_entries: 1, cert_authorities: 0, revoked: 0 },
      { user: 'alice', file: '/home/alice/.ssh/known_hosts', entries: 4, hashed_entries: 2, cert_authorities: 1, revoked: 0 },
    ]);
  });
});

describe('ssh_private_keys collector', () => {
  it('host-a: encrypted or not, by name or by content, never the key', async () => {
    const r = await collectOnce(sshPrivateKeys, HOST_A);
    expect(r.state.success).toBe(true);
    expect(r.tables.ssh_private_keys!.map((k) => `${k.file} ${k.format} ${k.type} ${k.bits} ${k.encrypted}`)).toEqual([
      '/home/alice/.ssh/id_ed25519 openssh ssh-ed25519 256 false',
      '/home/bob/.ssh/id_rsa openssh ssh-rsa 3072 true',
      '/root/.ssh/backup_key pem ssh-rsa 2048 false',
      '/root/.ssh/legacy.pem pkcs8 ecdsa-sha2-nistp256 256 false',
    ]);
    const body = readFileSync(path.join(HOST_A, 'home/alice/.ssh/id_ed25519'), 'utf8').split('\n')[2]!;
    expect(JSON.stringify(r.tables) + r.samples).not.toContain(body);
  });

  it('malformed keys counted, large and special files skipped', async () => {
    const root = hostWith({
      '/etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/bash\n',
      '/home/alice/.ssh/id_broken': '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      '/home/alice/.ssh/big': '-----BEGIN RSA PRIVATE KEY-----\n' + 'A'.repeat(100_000),
      '/home/alice/.ssh/notes.txt': 'hello',
    });
    execFileSync('mkfifo', [path.join(root, 'home/alice/.ssh/fifo')]);
    writeFileSync(path.join(root, 'home/alice/.ssh/empty'), '');
    const r = await collectOnce(sshPrivateKeys, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.ssh_private_keys).toEqual([]);
  });
});
