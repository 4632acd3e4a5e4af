import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonPackages } from '../../../src/collectors/software/python-packages.js';
import { isPython3Dir, parseCoreMetadata } from '../../../src/collectors/software/python-packages.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

const META = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nbody\n`;

describe('python metadata parsing', () => {
  it('reads Name and Version from the header block only', () => {
    expect(parseCoreMetadata('Name: a\r\nVersion: 1\r\n\r\n')).toEqual({ name: 'a', version: '1' });
    expect(parseCoreMetadata('Metadata-Version: 2.1\nName: a\n\nVersion: 9\n')).toBe('a: no Version header');
    expect(parseCoreMetadata('\u0000\u0001\u0002')).toBe('no Name header');
    expect(parseCoreMetadata('Name: trunc')).toBe('trunc: no Version header');
  });

  it('recognises interpreter directories', () => {
    expect(['python3', 'python3.11', 'python2.7', 'python3.x', 'python3.12t'].map(isPython3Dir)).toEqual([true, true, false, false, false]);
  });
});

describe('python_packages collector', () => {
  it('finds system, user and venv site dirs of the fixture host; one package in two venvs is two rows', async () => {
    const { state, tables, samples } = await collectOnce(pythonPackages, fixturePath('host-a'));
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(1); // broken-1.0.dist-info has no Name
    const requests = tables.packages!.filter((r) => r.name === 'requests').map((r) => `${r.version} ${r.kind} ${r.location}`);
    expect(requests.sort()).toEqual([
      '2.28.1 system /usr/lib/python3/dist-packages',
      '2.31.0 venv /home/alice/projects/webapp/.venv/lib/python3.11/site-packages',
      '2.31.0 venv /opt/ansible/venv/lib/python3.11/site-packages',
    ]);
    expect(tables.packages!.find((r) => r.name === 'httpie')).toMatchObject({ kind: 'user', user: 'alice' });
    expect(tables.packages!.find((r) => r.name === 'legacy-tool')).toMatchObject({ version: '0.3' }); // an egg-info file
    expect(tables.package_count).toEqual([{ manager: 'python', count: 9 }]);
    // The venv's lib64 -> lib link is not a second location.
    expect(tables.package_locations!.map((r) => r.location)).toHaveLength(5);
    expect(samples.match(/name="requests"/g)).toHaveLength(3);
  });

  it('bounds the venv search by depth and by directories visited', async () => {
    const files = {
      '/opt/a/b/c/d/e/venv/pyvenv.cfg': 'version = 3.11\n',
      '/opt/a/b/c/d/e/venv/lib/python3.11/site-packages/x-1.dist-info/METADATA': META('x', '1'),
      '/opt/near/pyvenv.cfg': 'version = 3.11\n',
      '/opt/near/lib/python3.11/site-packages/y-1.dist-info/METADATA': META('y', '1'),
    };
    const root = hostWith(files);
    expect((await collectOnce(pythonPackages, root)).tables.packages!.map((r) => r.name)).toEqual(['y']);
    const deep = await collectOnce(pythonPackages, root, { options: { venv_depth: 7 } });
    expect(deep.tables.packages!.map((r) => r.name)).toEqual(['x', 'y']);
    const starved = await collectOnce(pythonPackages, root, { options: { max_dirs: 1, venv_depth: 7 } });
    expect(starved.tables.packages).toEqual([]);
    expect(starved.state.success).toBe(true);
  });

  it('skips and counts malformed metadata, survives a link loop in a home, and is empty on an empty host', async () => {
    const root = hostWith({
      '/usr/lib/python3.12/site-packages/ok-1.dist-info/METADATA': META('ok', '1'),
      '/usr/lib/python3.12/site-packages/junk-1.dist-info/METADATA': Buffer.from([0, 255, 1, 2]),
      '/usr/lib/python3.12/site-packages/nometa-1.dist-info/RECORD': '',
      '/usr/lib/python3.12/site-packages/cut-1.egg-info': 'Metadata-Version: 1.1\nNa',
      '/home/carol/.bashrc': '',
    });
    symlinkSync('loop', path.join(root, 'home/carol/loop'));
    const { state, tables } = await collectOnce(pythonPackages, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.packages!.map((r) => r.name)).toEqual(['ok']);
    expect(state.parseErrorsTotal).toBe(3);
    const empty = await collectOnce(pythonPackages, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(empty.tables.package_count).toEqual([{ manager: 'python', count: 0 }]);
  });

  it('fails naming an oversized METADATA file', async () => {
    const root = hostWith({ '/usr/lib/python3/dist-packages/big-1.dist-info/METADATA': META('big', '1') + 'x'.repeat(4000) });
    const { state } = await collectOnce(pythonPackages, root, { maxFileBytes: 1000 });
    expect(state.lastError).toMatch(/big-1\.dist-info\/METADATA: file too large/);
  });
});
