import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeb822Sources, parseOneLineSources } from '../../../src/collectors/supply_chain/apt-sources.parse.js';
import { parseApkRepositories } from '../../../src/collectors/supply_chain/apk-repos.parse.js';
import { configurationCollectors } from '../../../src/collectors/configuration/index.js';
import { parseNpmrc } from '../../../src/collectors/supply_chain/npm-config.parse.js';
import { parseMirrorlist, parsePacmanConf } from '../../../src/collectors/supply_chain/pacman-repos.parse.js';
import { mergeReposConf } from '../../../src/collectors/supply_chain/portage-repos.parse.js';
import { parsePipConf } from '../../../src/collectors/supply_chain/pip-config.parse.js';
import { parseRepoFile } from '../../../src/collectors/supply_chain/repo-file.parse.js';
import { supplyChainCollectors } from '../../../src/collectors/supply_chain/index.js';
import type { CollectorSpec } from '../../../src/collectors/types.js';
import { collectOnce, tempDir } from '../../helpers.js';

/** The main file each collector reads (a user home file for pip/npm needs a passwd entry). */
const MAIN_FILE: [string, string][] = [
  ['apt_sources', 'etc/apt/sources.list'],
  ['yum_repos', 'etc/yum.repos.d/a.repo'],
  ['zypper_repos', 'etc/zypp/repos.d/a.repo'],
  ['pacman_repos', 'etc/pacman.conf'],
  ['apk_repos', 'etc/apk/repositories'],
  ['portage_repos', 'etc/portage/repos.conf'],
  ['pip_config', 'etc/pip.conf'],
  ['npm_config', 'etc/npmrc'],
  ['etc_hosts', 'etc/hosts'],
  ['etc_services', 'etc/services'],
  ['etc_protocols', 'etc/protocols'],
  ['ld_so', 'etc/ld.so.conf'],
  ['etc_defaults', 'etc/default/grub'],
  ['security_config', 'etc/security/access.conf'],
  ['login_defs', 'etc/login.defs'],
  ['fstab_options', 'etc/fstab'],
  ['shells', 'etc/shells'],
  ['resolv_conf', 'etc/resolv.conf'],
  ['server_configs', 'etc/redis/redis.conf'],
];

const ALL = [...supplyChainCollectors, ...configurationCollectors];
const spec = (n: string): CollectorSpec => ALL.find((c) => c.name === n)!;

function rootWith(file: string, content: string | null): string {
  const root = tempDir('hb-bad-');
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  if (content !== null) writeFileSync(path.join(root, file), content);
  return root;
}

/** Deterministic random bytes decoded as UTF-8 (invalid sequences included). */
function garbage(n = 8192): string {
  const b = Buffer.alloc(n);
  let x = 987654321;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x & 0xff;
  }
  return b.toString('utf8');
}

describe('every supply-chain and configuration collector, bad input', () => {
  it('covers every collector of both areas', () => {
    expect(MAIN_FILE.map(([n]) => n).sort()).toEqual(ALL.map((c) => c.name).sort());
  });

  it.each(MAIN_FILE)('%s: an oversized %s fails with the file named', async (name, file) => {
    const r = await collectOnce(spec(name), rootWith(file, '# padding\n'.repeat(500)), { maxFileBytes: 1000 });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain(`/${file}: file too large`);
  });

  it.each(MAIN_FILE)('%s: random bytes in %s never crash it', async (name, file) => {
    const r = await collectOnce(spec(name), rootWith(file, garbage()));
    expect(r.state.lastError).toBeNull();
  });

  it.each(MAIN_FILE)('%s: a symlink loop at %s fails with the reason', async (name, file) => {
    const root = rootWith(file, null);
    symlinkSync(path.basename(file), path.join(root, file));
    const r = await collectOnce(spec(name), root);
    // Drop-in files too: a loop is an unreadable source, not a missing one.
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(new RegExp(`/${file}: too many levels of symbolic links`));
  });
});

describe('supply-chain parsers never throw on garbage', () => {
  const g = garbage();
  it.each([
    ['apt one-line', () => parseOneLineSources(g)],
    ['apt deb822', () => parseDeb822Sources(g)],
    ['repo file', () => parseRepoFile(g)],
    ['pacman.conf', () => parsePacmanConf(g)],
    ['mirrorlist', () => parseMirrorlist(g)],
    ['apk', () => parseApkRepositories(g)],
    ['portage', () => mergeReposConf(new Map(), g)],
    ['pip', () => parsePipConf(g)],
    ['npm', () => parseNpmrc(g)],
  ])('%s', (_, f) => expect(f).not.toThrow());
});
