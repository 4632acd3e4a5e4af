import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationCollectors } from '../../../src/collectors/configuration/index.js';
import type { CollectorSpec } from '../../../src/collectors/types.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

const HOST_A = fixturePath('host-a');
const byName = (n: string): CollectorSpec => configurationCollectors.find((c) => c.name === n)!;

describe('configuration collectors on host-a', () => {
  it.each(configurationCollectors.map((c) => c.name))('%s succeeds with rows', async (name) => {
    const r = await collectOnce(byName(name), HOST_A);
    expect(r.state.lastError).toBeNull();
    expect(Object.values(r.tables).some((rows) => rows.length > 0)).toBe(true);
  });

  it('etc_hosts flags pinned update domains', async () => {
    const r = await collectOnce(byName('etc_hosts'), HOST_A);
    expect(r.tables.etc_hosts!.filter((x) => x.sensitive).map((x) => x.hostname)).toEqual(['deb.debian.org', 'pypi.org', 'security.debian.org']);
    expect(r.samples).toContain('hostbaseline_etc_hosts_sensitive_entries 3');
    expect(r.state.parseErrorsTotal).toBe(2);
  });

  it('ld_so follows includes and flags the preload', async () => {
    const r = await collectOnce(byName('ld_so'), HOST_A);
    expect(r.tables.ld_so_dirs!.map((x) => x.dir)).toContain('/usr/lib/x86_64-linux-gnu');
    expect(r.tables.ld_so_dirs!.find((x) => x.dir === '/var/tmp/.cache/lib')).toMatchObject({ suspicious: true });
    expect(r.samples).toContain('hostbaseline_ld_so_preload_entries 1');
    expect(r.samples).toContain('hostbaseline_ld_so_preload_info{library="/usr/local/lib/libprocesshider.so",exists="false"} 1');
  });

  it('an include cycle ends', async () => {
    const root = host({
      'etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n/usr/lib\n',
      'etc/ld.so.conf.d/a.conf': 'include /etc/ld.so.conf\ninclude b.conf\n/opt/a\n',
      'etc/ld.so.conf.d/b.conf': 'include /etc/ld.so.conf.d/a.conf\n/opt/b\n',
    });
    const r = await collectOnce(byName('ld_so'), root);
    expect(r.state.success).toBe(true);
    expect(r.tables.ld_so_dirs!.map((x) => x.dir)).toEqual(['/opt/a', '/opt/b', '/usr/lib']);
  });

  it('login_defs exports aging, umask and method as gauges', async () => {
    const r = await collectOnce(byName('login_defs'), HOST_A);
    expect(r.samples).toContain('hostbaseline_login_defs_pass_max_age_seconds 8639913600'); // 99999 days
    expect(r.samples).toContain('hostbaseline_login_defs_pass_warn_age_seconds 604800'); // 7 days
    expect(r.samples).toContain('hostbaseline_login_defs_umask 18');
    expect(r.samples).toContain('hostbaseline_login_defs_encrypt_method_info{encrypt_method="SHA512"} 1');
  });

  it('fstab_options flags /tmp without noexec', async () => {
    const r = await collectOnce(byName('fstab_options'), HOST_A);
    expect(r.tables.fstab_risks!.map((x) => x.setting)).toEqual(['/tmp without noexec']);
    expect(r.tables.fstab_options!.find((x) => x.mount_point === '/mnt/nas')).toMatchObject({ network: true, nosuid: true });
  });

  it('server_configs finds each server and its risks', async () => {
    const r = await collectOnce(byName('server_configs'), HOST_A);
    const servers = new Set(r.tables.server_config_files!.map((x) => x.server));
    expect([...servers].sort()).toEqual(['apache', 'mysql', 'nginx', 'postgresql', 'rabbitmq', 'redis']);
    const risks = r.tables.server_config_risks!.map((x) => `${x.server}: ${x.setting}`);
    for (const want of [
      'redis: requirepass missing',
      'redis: bind all interfaces',
      'postgresql: pg_hba trust local all all',
      'postgresql: listen_addresses all interfaces',
      'mysql: skip-grant-tables',
      'nginx: ssl_protocols TLSv1',
      'apache: ServerTokens Full',
      'rabbitmq: loopback_users none',
    ])
      expect(risks).toContain(want);
    // the [client] bind-address of conf.d/client.cnf is not a server setting
    expect(r.tables.server_config_risks!.filter((x) => String(x.path).includes('client.cnf'))).toEqual([]);
  });
});

describe('secrets stay home', () => {
  const SECRETS = [
    'MyS3cretDbPassw0rd', // /etc/mysql/conf.d/client.cnf
    'R3disMasterS3cret', // redis masterauth
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', // /etc/default/backup-agent
  ];
  it('the fixture holds them', () => {
    expect(readFileSync(path.join(HOST_A, 'etc/mysql/conf.d/client.cnf'), 'utf8')).toContain(SECRETS[0]);
    expect(readFileSync(path.join(HOST_A, 'etc/default/backup-agent'), 'utf8')).toContain(SECRETS[2]);
  });
  it.each(configurationCollectors.map((c) => c.name))('%s exports none of them', async (name) => {
    const r = await collectOnce(byName(name), HOST_A);
    const out = JSON.stringify(r.tables) + r.samples;
    for (const s of SECRETS) expect(out).not.toContain(s);
  });
  it('fstab credentials are redacted', async () => {
    const root = host({ 'etc/fstab': '//nas/s /mnt/s cifs username=bob,password=hunter2 0 0\nhttps://u:davpw@dav.example/x /mnt/d davfs user 0 0\n' });
    const r = await collectOnce(byName('fstab_options'), root);
    const out = JSON.stringify(r.tables) + r.samples;
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('davpw');
    expect(r.tables.fstab_risks!.map((x) => x.setting)).toEqual(['/mnt/s network mount without nosuid']);
  });
});

describe('sources that are absent or bad', () => {
  it.each(configurationCollectors.map((c) => c.name))('%s: an empty host gives zero rows', async (name) => {
    const r = await collectOnce(byName(name), fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((rows) => rows.length === 0)).toBe(true);
  });

  it.each([
    ['etc_hosts', 'etc/hosts'],
    ['login_defs', 'etc/login.defs'],
    ['resolv_conf', 'etc/resolv.conf'],
    ['fstab_options', 'etc/fstab'],
  ])('%s: oversized file fails with the file named', async (name, file) => {
    const root = host({ [file]: '# pad\n'.repeat(1000) });
    const r = await collectOnce(byName(name), root, { maxFileBytes: 1024 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain(`/${file}: file too large`);
  });

  it('a directory where a file should be fails (main file) or is skipped (drop-in)', async () => {
    const root = host({});
    mkdirSync(path.join(root, 'etc/shells'), { recursive: true });
    expect((await collectOnce(byName('shells'), root)).state.lastError).toMatch(/\/etc\/shells: not a regular file/);
    const root2 = host({ 'etc/nginx/sites-enabled/site': 'server { autoindex on; }' });
    mkdirSync(path.join(root2, 'etc/nginx/sites-enabled/sub'));
    const r2 = await collectOnce(byName('server_configs'), root2);
    expect(r2.state.success).toBe(true);
    expect(r2.tables.server_config_files!.map((x) => x.path)).toEqual(['/etc/nginx/sites-enabled/site']);
  });

  it('a FIFO or a symlink loop fails without hanging', async () => {
    const root = host({});
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'etc/login.defs')]);
    expect((await collectOnce(byName('login_defs'), root)).state.lastError).toMatch(/\/etc\/login\.defs: not a regular file/);
    symlinkSync('resolv.conf', path.join(root, 'etc/resolv.conf'));
    expect((await collectOnce(byName('resolv_conf'), root)).state.lastError).toMatch(/resolv\.conf: too many levels of symbolic links/);
  });

  it('truncated and garbage files keep the good records and count the bad ones', async () => {
    const root = host({
      'etc/hosts': '127.0.0.1 localhost\n\u0000\u0001\u00ff garbage\n10.0.0.1 trunc',
      'etc/fstab': 'tmpfs /tmp tmpfs defaults 0 0\n/dev/sda1 /ho',
      'etc/redis/redis.conf': '\u00ff\u00fe\u0000binary',
    });
    const h = await collectOnce(byName('etc_hosts'), root);
    expect(h.tables.etc_hosts!.map((x) => x.hostname)).toEqual(['localhost', 'trunc']);
    expect(h.state.parseErrorsTotal).toBe(1);
    const f = await collectOnce(byName('fstab_options'), root);
    expect(f.tables.fstab_options).toHaveLength(1);
    expect(f.state.parseErrorsTotal).toBe(1);
    expect(f.tables.fstab_risks!.map((x) => x.setting).sort()).toEqual(['/tmp without nodev', '/tmp without noexec', '/tmp without nosuid']);
    const s = await collectOnce(byName('server_configs'), root);
    expect(s.state.success).toBe(true);
    expect(s.tables.server_config_risks!.map((x) => x.setting)).toContain('requirepass missing');
  });
});

describe('resolv_conf through the systemd-resolved link', () => {
  it('an absolute link is followed inside the host root', async () => {
    const root = host({ 'run/systemd/resolve/stub-resolv.conf': 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' });
    mkdirSync(path.join(root, 'etc'));
    symlinkSync('/run/systemd/resolve/stub-resolv.conf', path.join(root, 'etc/resolv.conf'));
    const r = await collectOnce(byName('resolv_conf'), root);
    expect(r.tables.resolv_nameservers).toEqual([{ address: '127.0.0.53', position: 1, used: true }]);
  });
});
