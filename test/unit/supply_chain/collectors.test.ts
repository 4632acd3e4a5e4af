import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { supplyChainCollectors } from '../../../src/collectors/supply_chain/index.js';
import type { CollectorSpec } from '../../../src/collectors/types.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostRoot as host } from '../../support/host-root.js';

const HOST_A = fixturePath('host-a');
const byName = (n: string): CollectorSpec => supplyChainCollectors.find((c) => c.name === n)!;

describe('supply chain collectors on host-a', () => {
  it.each(supplyChainCollectors.map((c) => c.name))('%s succeeds with sources and a summary', async (name) => {
    const spec = byName(name);
    const r = await collectOnce(spec, HOST_A);
    expect(r.state.lastError).toBeNull();
    const [sources, summary] = spec.tables.map((t) => r.tables[t.name]!);
    expect(sources!.length).toBeGreaterThan(0);
    expect(summary).toHaveLength(1);
    expect(summary![0]!.sources).toBe(sources!.length);
    expect(r.samples).toContain('hostbaseline_package_source_info{');
  });

  it('flags the apt sources that are trusted, unsigned or plain', async () => {
    const r = await collectOnce(byName('apt_sources'), HOST_A);
    const internal = r.tables.apt_sources!.find((x) => x.url === 'http://apt.corp.example.internal/debian')!;
    expect(internal).toMatchObject({ signed: 'false', trusted: true, secure_transport: false, insecure_reasons: 'unsigned,trusted,plain_transport' });
    const disabled = r.tables.apt_sources!.filter((x) => x.name === 'trixie');
    expect(disabled.map((x) => x.enabled)).toEqual([false, false]);
    expect(r.tables.apt_source_summary![0]).toMatchObject({ list_files: 3 });
    expect(r.state.parseErrorsTotal).toBe(1); // "this line is garbage"
    expect(r.samples).toContain('hostbaseline_package_sources_insecure{manager="apt"} 4');
  });

  it('per-user pip and npm files carry the user', async () => {
    const pip = await collectOnce(byName('pip_config'), HOST_A);
    expect(pip.tables.pip_sources!.find((x) => x.user === 'alice' && x.type === 'index-url')).toMatchObject({
      url: 'https://alice:<redacted>@pypi.corp.example.internal/simple/',
      trusted: true,
      authenticated: true,
    });
    const npm = await collectOnce(byName('npm_config'), HOST_A);
    expect(npm.tables.npm_sources!.find((x) => x.user === 'alice')).toMatchObject({ name: '@corp', trusted: true, auth_token: true });
    expect(npm.tables.npm_source_summary![0]).toMatchObject({ auth_settings: 2 });
  });
});

describe('secrets stay home', () => {
  // Credentials planted in the host-a fixture: none may appear in any row or sample.
  const SECRETS = [
    'npm_4bT9qXkZr7LmN2pV8wYcD5sF1hJ6gU3eA0oI', // ~alice/.npmrc _authToken
    'Ym9iOmh1bnRlcjI=', // ~bob/.npmrc _auth
    'PipS3cretPassw0rd', // ~alice pip index-url password
    'Sup3rS3cretPw', // apt nodesource.sources URI password
    'abc123secret', // yum baseurl ?token=
    'mQINBFdDN1ABEADaNd', // inline Signed-By key block
  ];
  it.each(supplyChainCollectors.map((c) => c.name))('%s exports none of them', async (name) => {
    const r = await collectOnce(byName(name), HOST_A);
    const out = JSON.stringify(r.tables) + r.samples;
    for (const s of SECRETS) expect(out).not.toContain(s);
  });
  it('the fixture really holds them (so the test means something)', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(HOST_A, 'home/alice/.npmrc'), 'utf8')).toContain(SECRETS[0]);
    expect(readFileSync(path.join(HOST_A, 'home/alice/.config/pip/pip.conf'), 'utf8')).toContain(SECRETS[2]);
  });
});

describe('sources that are absent or bad', () => {
  it.each(supplyChainCollectors.map((c) => c.name))('%s: an empty host gives zero rows, success', async (name) => {
    const r = await collectOnce(byName(name), fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(Object.values(r.tables).every((rows) => rows.length === 0)).toBe(true);
    expect(r.samples).toBe('');
  });

  it('an oversized file fails the collector with the file named', async () => {
    const root = host({ 'etc/pacman.conf': '[core]\nServer = https://x/\n' + '#'.repeat(5000) });
    const r = await collectOnce(byName('pacman_repos'), root, { maxFileBytes: 1024 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(/\/etc\/pacman\.conf: file too large/);
  });

  it('a directory where a file should be fails; a drop-in sub-directory is skipped', async () => {
    const root = host({ 'etc/apk/keys/k.pub': 'x' });
    mkdirSync(path.join(root, 'etc/apk/repositories'));
    const r = await collectOnce(byName('apk_repos'), root);
    expect(r.state.lastError).toMatch(/\/etc\/apk\/repositories: not a regular file/);
    const root2 = host({ 'etc/yum.repos.d/a.repo': '[a]\nbaseurl=https://x/\n' });
    mkdirSync(path.join(root2, 'etc/yum.repos.d/dir.repo'));
    const r2 = await collectOnce(byName('yum_repos'), root2);
    expect(r2.state.success).toBe(true);
    expect(r2.tables.yum_sources).toHaveLength(1);
  });

  it('a FIFO or a symlink loop is an error, not a hang', async () => {
    const root = host({});
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'etc/npmrc')]);
    const r = await collectOnce(byName('npm_config'), root);
    expect(r.state.lastError).toMatch(/\/etc\/npmrc: not a regular file/);
    const root2 = host({});
    mkdirSync(path.join(root2, 'etc'), { recursive: true });
    symlinkSync('pip.conf', path.join(root2, 'etc/pip.conf'));
    const r2 = await collectOnce(byName('pip_config'), root2);
    expect(r2.state.lastError).toMatch(/pip\.conf: too many levels of symbolic links/);
  });

  it('a truncated or garbage file reports what it can and counts the rest', async () => {
    const root = host({
      'etc/apt/sources.list': 'deb https://ok.example/debian bookworm main\ndeb https://trunc.example/deb',
      'etc/apt/sources.list.d/x.sources': '\u0000\u0001\u0002\u00ff\nTypes: deb\nURIs: https://y/\n',
      'etc/zypp/repos.d/z.repo': Buffer.from([0xff, 0xfe, 0x00, 0x5b]).toString('latin1'),
    });
    const r = await collectOnce(byName('apt_sources'), root);
    expect(r.state.success).toBe(true);
    expect(r.tables.apt_sources!.map((x) => x.url)).toEqual(['https://ok.example/debian']);
    expect(r.state.parseErrorsTotal).toBe(3);
    const z = await collectOnce(byName('zypper_repos'), root);
    expect(z.state.success).toBe(true);
    expect(z.tables.zypper_sources).toEqual([]);
    expect(z.tables.zypper_source_summary![0]).toMatchObject({ sources: 0 });
  });
});
