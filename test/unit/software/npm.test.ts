import { describe, expect, it } from 'vitest';
import { npmPackages } from '../../../src/collectors/software/npm-packages.js';
import { parsePackageJson } from '../../../src/collectors/software/package-json.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

describe('parsePackageJson', () => {
  it('keeps name, version and publisher only', () => {
    expect(parsePackageJson('\ufeff{"name":"a","version":"1.0.0","publisher":"ms","scripts":{"x":"y"}}')).toEqual({ name: 'a', version: '1.0.0', publisher: 'ms' });
    expect(parsePackageJson('{"name":"a","version":"1"}')).toEqual({ name: 'a', version: '1', publisher: '' });
  });

  it('explains what is wrong with bad input', () => {
    expect(parsePackageJson('{"name": "a", "version": ')).toMatch(/^invalid JSON/);
    expect(parsePackageJson('\u0000\u0001garbage')).toMatch(/^invalid JSON/);
    expect(parsePackageJson('[1,2]')).toBe('not a JSON object');
    expect(parsePackageJson('null')).toBe('not a JSON object');
    expect(parsePackageJson('{"version":"1"}')).toBe('no "name" string');
    expect(parsePackageJson('{"name":"a","version":3}')).toBe('a: no "version" string');
  });
});

describe('npm_packages collector', () => {
  it('reads global, nvm and per-user node_modules of the fixture host, scoped packages included', async () => {
    const { state, tables } = await collectOnce(npmPackages, fixturePath('host-a'));
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(1); // usr/local/lib/node_modules/broken
    expect(tables.packages!.map((r) => `${r.name}@${r.version} ${r.kind} ${r.user} ${r.location}`)).toEqual([
      '@angular/cli@17.1.2 global  /usr/local/lib/node_modules',
      'left-pad@1.3.0 user bob /home/bob/node_modules',
      'npm@10.2.4 nvm alice /home/alice/.nvm/versions/node/v20.11.0/lib/node_modules',
      'npm@10.2.4 global  /usr/local/lib/node_modules',
      'typescript@5.3.3 global  /usr/local/lib/node_modules',
      'yarn@1.22.21 nvm alice /home/alice/.nvm/versions/node/v20.11.0/lib/node_modules',
    ]);
    expect(tables.package_count).toEqual([{ manager: 'npm', count: 6 }]);
    expect(JSON.stringify(tables)).not.toContain('postinstall');
  });

  it('skips and counts missing, truncated and garbage package.json files', async () => {
    const root = hostWith({
      '/usr/lib/node_modules/ok/package.json': '{"name":"ok","version":"1.0.0"}',
      '/usr/lib/node_modules/cut/package.json': '{"name":"cut","vers',
      '/usr/lib/node_modules/junk/package.json': Buffer.from([0xff, 0, 1]),
      '/usr/lib/node_modules/nojson/index.js': '',
    });
    const { state, tables } = await collectOnce(npmPackages, root);
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => r.name)).toEqual(['ok']);
    expect(state.parseErrorsTotal).toBe(3);
  });

  it('fails naming an oversized package.json; empty host has zero rows', async () => {
    const root = hostWith({ '/usr/lib/node_modules/big/package.json': JSON.stringify({ name: 'big', version: '1', d: 'x'.repeat(3000) }) });
    expect((await collectOnce(npmPackages, root, { maxFileBytes: 1000 })).state.lastError).toMatch(/big\/package\.json: file too large/);
    const empty = await collectOnce(npmPackages, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(empty.tables.package_count).toEqual([{ manager: 'npm', count: 0 }]);
  });
});
