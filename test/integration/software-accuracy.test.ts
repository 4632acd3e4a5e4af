import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deb } from '../../src/collectors/software/deb.js';
import { collectOnce } from '../helpers.js';

const CI = process.env.CI === 'true';

function which(program: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** In CI a missing tool fails the test; elsewhere the test is skipped. */
function withTools(programs: string[]): { run: boolean; missing: string[] } {
  const missing = programs.filter((p) => !which(p));
  return { run: missing.length === 0 || CI, missing };
}

const sorted = (lines: Iterable<string>) => [...lines].filter(Boolean).sort();

const dpkg = withTools(['dpkg-query']);
describe.skipIf(!dpkg.run)('deb collector against this machine (dpkg-query)', () => {
  it('reports exactly the installed packages dpkg-query lists', async () => {
    expect(dpkg.missing, 'dpkg-query must be installed in CI').toEqual([]);
    const out = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture}\n'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const expected = sorted(
      out
        .split('\n')
        .filter((l) => l.startsWith('installed '))
        .map((l) => l.slice('installed '.length)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const { state, tables } = await collectOnce(deb, '/');
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(0);
    const got = sorted(tables.packages!.map((r) => `${r.name} ${r.version} ${r.arch}`));
    expect(got).toEqual(expected);
    expect(tables.package_count).toEqual([{ manager: 'deb', count: expected.length }]);
  });
});
