import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { osRelease } from '../../src/collectors/system/os-release.js';
import { collectOnce, tempDir } from '../helpers.js';

/** os-release's fields as the shell sees them: the file is meant to be sourced. */
function sourced(file: string): Record<string, string> {
  const out = execFileSync('sh', ['-c', `. "$1"; printf '%s\\n' "$ID" "$VERSION_ID" "$PRETTY_NAME" "$VERSION_CODENAME"`, 'sh', file], { encoding: 'utf8' });
  const [id, versionId, prettyName, codename] = out.split('\n');
  return { id: id!, version_id: versionId!, pretty_name: prettyName!, version_codename: codename! };
}

const debianHost = existsSync('/etc/os-release') && existsSync('/etc/debian_version');

describe.skipIf(!debianHost && process.env.CI !== 'true')('os_release on this (Debian) machine', () => {
  it('reads os-release as the shell does', async () => {
    const { state, tables } = await collectOnce(osRelease, '/');
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.os_release![0]).toMatchObject({ ...sourced('/etc/os-release'), source: '/etc/os-release' });
  });

  it('without os-release, identifies the same release from the real debian_version', async () => {
    const root = tempDir('hb-os-');
    mkdirSync(path.join(root, 'etc'));
    copyFileSync('/etc/debian_version', path.join(root, 'etc/debian_version'));
    const { state, tables } = await collectOnce(osRelease, root);
    expect(state.success, state.lastError ?? '').toBe(true);
    const real = sourced('/etc/os-release');
    const row = tables.os_release![0]!;
    expect(row).toMatchObject({ id: real.id, source: '/etc/debian_version' });
    // Stable releases: debian_version has the point release, os-release the major one.
    if (real.version_id) expect(row.version_id).toBe(real.version_id);
    else expect(row.version_codename).toBe(real.version_codename);
  });
});
