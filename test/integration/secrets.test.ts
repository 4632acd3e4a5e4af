import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { fixtureExposition } from '../support/fixture-run.js';
import { FIXTURE_TIME, fixturePath, REPO } from '../helpers.js';
import { buildReport } from '../../src/report/model.js';
import { renderReport, renderTablePage } from '../../src/report/render.js';

/**
 * "Secrets stay home": every collector runs against the fixture host, whose files hold
 * real-looking secrets (a password hash, unencrypted private keys, a secret in shell
 * history, npm tokens, pip credentials). None of them may appear in /metrics or in
 * the output of `collect`.
 */
const HOST = fixturePath('host-a');

function read(rel: string): string | null {
  const p = path.join(HOST, rel);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

/** Host paths under each home directory (/root and /home/*). */
function perUser(rel: string): string[] {
  const homes = ['root', ...(existsSync(path.join(HOST, 'home')) ? readdirSync(path.join(HOST, 'home')).map((d) => `home/${d}`) : [])];
  return homes.map((h) => `${h}/${rel}`);
}

function matches(text: string | null, re: RegExp, group = 1): string[] {
  return text === null ? [] : [...text.matchAll(re)].map((m) => m[group]!).filter(Boolean);
}

interface Secret {
  what: string;
  value: string;
}

function collectSecrets(): Secret[] {
  const out: Secret[] = [];
  // Password hashes (whole field and the hash part after the last "$").
  for (const line of (read('etc/shadow') ?? '').split('\n')) {
    const field = (line.split(':')[1] ?? '').replace(/^[!*]+/, '');
    if (!field.startsWith('$')) continue;
    out.push({ what: 'password hash', value: field });
    out.push({ what: 'password hash body', value: field.slice(field.lastIndexOf('$') + 1) });
  }
  // Private key bodies: every full-width base64 line of every unencrypted key in ~/.ssh.
  for (const rel of ['home/alice/.ssh/id_ed25519', 'root/.ssh/backup_key', 'root/.ssh/legacy.pem']) {
    const text = read(rel);
    if (text === null) continue;
    for (const line of text.split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(line)) out.push({ what: `private key line of ${rel}`, value: line });
  }
  // Secrets typed into shell history.
  for (const rel of [...perUser('.bash_history'), ...perUser('.zsh_history'), ...perUser('.python_history')]) {
    const text = read(rel);
    for (const v of matches(text, /AWS_SECRET_ACCESS_KEY=["']?([^\s"']+)/g)) out.push({ what: `AWS secret in ${rel}`, value: v });
    for (const v of matches(text, /-p'([^']+)'/g)) out.push({ what: `mysql password in ${rel}`, value: v });
    for (const v of matches(text, /Bearer ([\w.-]+)/g)) out.push({ what: `bearer token in ${rel}`, value: v });
  }
  // npm tokens (written by the supply-chain fixtures; read whatever is there).
  for (const rel of ['etc/npmrc', ...perUser('.npmrc')]) {
    const text = read(rel);
    for (const v of matches(text, /(?:_authToken|_auth|_password)\s*=\s*"?([^"\s]+)"?/g)) {
      out.push({ what: `npm credential in ${rel}`, value: v });
      if (/_auth\s*=/.test(text!) && /^[A-Za-z0-9+/]+=*$/.test(v)) {
        const decoded = Buffer.from(v, 'base64').toString('utf8');
        if (/^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded)) out.push({ what: `decoded npm _auth in ${rel}`, value: decoded });
      }
    }
  }
  // pip index URLs with user:password@.
  for (const rel of ['etc/pip.conf', 'etc/xdg/pip/pip.conf', ...perUser('.pip/pip.conf'), ...perUser('.config/pip/pip.conf')]) {
    const text = read(rel);
    for (const m of text === null ? [] : text.matchAll(/:\/\/([^\s:@/]+):([^\s@/]+)@/g)) {
      out.push({ what: `pip password in ${rel}`, value: m[2]! });
      out.push({ what: `pip credentials in ${rel}`, value: `${m[1]}:${m[2]}@` });
    }
  }
  // Short values would match by accident; every real secret here is long.
  return out.filter((s) => s.value.length >= 6);
}

function leaks(text: string, secrets: Secret[]): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => `${s.what}: ${s.value}`);
}

describe('secrets stay home', () => {
  const secrets = collectSecrets();

  it('the fixture host really holds the secrets this test looks for', () => {
    const kinds = new Set(secrets.map((s) => s.what.split(' in ')[0]!.replace(/ of .*/, '')));
    for (const k of ['password hash', 'private key line', 'AWS secret']) expect(kinds, [...kinds].join(', ')).toContain(k);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
  });

  it('no secret in the /metrics exposition of every collector', async () => {
    const { text, scheduler } = await fixtureExposition('host-a');
    expect(scheduler.list().length).toBe(allCollectors().length);
    expect(text).toContain('hostbaseline_user_password_info');
    expect(leaks(text, secrets)).toEqual([]);
  });

  it('no secret in the host report (page, table pages, JSON)', async () => {
    const { scheduler } = await fixtureExposition('host-a');
    const report = buildReport(scheduler.list(), FIXTURE_TIME);
    const pages = [renderReport(report), JSON.stringify(report)];
    for (const area of report.areas) for (const t of area.tables) pages.push(renderTablePage({ table: t, query: '', page: 1 }, null, ''));
    expect(pages.join('\n')).toContain('yescrypt');
    for (const p of pages) expect(leaks(p, secrets)).toEqual([]);
  });

  describe('`collect --format json` of every collector', () => {
    let out = '';
    beforeAll(() => {
      // Others' unfinished files may fail the type check; what matters is that dist/ is current.
      spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8' });
      const names = allCollectors().map((c) => c.name);
      const r = spawnSync('node', ['bin/hostbaseline-exporter.js', 'collect', ...names, '--format', 'json', '--path.rootfs', HOST], {
        cwd: REPO,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      out = (r.stdout ?? '') + (r.stderr ?? '');
      if (!r.stdout) throw new Error(`collect printed nothing: ${r.stderr}`);
    }, 180_000);

    it('prints every collector (rows or an error)', () => {
      const json = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as Record<string, unknown>;
      expect(Object.keys(json).sort()).toEqual(allCollectors().map((c) => c.name).sort());
      expect(JSON.stringify(json.shadow)).toContain('yescrypt');
    });

    it('no secret in stdout or stderr', () => {
      expect(leaks(out, secrets)).toEqual([]);
    });
  });
});

