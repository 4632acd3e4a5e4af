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
import { garbage, GARBAGE_SEEDS } from '../../support/garbage.js';

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

/** Collectors whose files have no malformed line: shell code is legal in /etc/default, server configs are only searched for known directives. */
const NO_ERROR_CHANNEL = new Set(['etc_defaults', 'server_configs']);

const ALL = [...supplyChainCollectors, ...configurationCollectors];
const spec = (n: string): CollectorSpec => ALL.find((c) => c.name === n)!;

function rootWith(file: string, content: string | null): string {
  const root = tempDir('hb-bad-');
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  if (content !== null) writeFileSync(path.join(root, file), content);
  return root;
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

  it.each(MAIN_FILE)('%s: random bytes in %s never crash it and are reported', async (name, file) => {
    for (const seed of GARBAGE_SEEDS) {
      const r = await collectOnce(spec(name), rootWith(file, garbage(seed)));
      expect(r.state.lastError, `seed ${seed}`).toBeNull();
      if (!NO_ERROR_CHANNEL.has(name)) {
        // Nothing vanishes silently: bad lines are counted as parse errors (rows may come from lines that happen to parse).
        expect(r.state.parseErrorsTotal, `seed ${seed}: parse errors`).toBeGreaterThan(0);
        continue;
      }
      // Files where any line is legal (shell code) or only known directives count: the file is
      // reported, and garbage changes no risk against an empty file.
      const empty = await collectOnce(spec(name), rootWith(file, ''));
      const files = Object.entries(r.tables).find(([t]) => t.endsWith('_files'))![1];
      expect(files.map((f) => f.path), `seed ${seed}`).toEqual([`/${file}`]);
      for (const [t, rows] of Object.entries(r.tables)) if (t.endsWith('_risks')) expect(rows, `seed ${seed}: ${t}`).toEqual(empty.tables[t]);
    }
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

describe('supply-chain parsers never throw on garbage, and report it', () => {
  type Parse = (g: string, onBad: (line: number, reason: string) => void) => unknown;
  it.each<[string, Parse]>([
    ['apt one-line', (g, b) => parseOneLineSources(g, b)],
    ['apt deb822', (g, b) => parseDeb822Sources(g, b)],
    ['repo file', (g, b) => parseRepoFile(g, b)],
    ['pacman.conf', (g, b) => parsePacmanConf(g, b)],
    ['apk', (g, b) => parseApkRepositories(g, b)],
    ['portage', (g, b) => mergeReposConf(new Map(), g, b)],
    ['pip', (g, b) => parsePipConf(g, b)],
    ['npm', (g, b) => parseNpmrc(g, b)],
  ])('%s', (_, parse) => {
    for (const seed of GARBAGE_SEEDS) {
      const bad: string[] = [];
      expect(() => parse(garbage(seed), (line, reason) => bad.push(`${line}: ${reason}`))).not.toThrow();
      expect(bad.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(bad.every((b) => /^\d+: \S/.test(b)), `seed ${seed}: every report has a line and a reason`).toBe(true);
    }
  });
  it('mirrorlist (no error channel: only Server = lines count) keeps nothing from garbage', () => {
    for (const seed of GARBAGE_SEEDS) expect(parseMirrorlist(garbage(seed))).toEqual([]);
  });
});
