import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers.js';
import type { RunningDockerd } from './dockerd.js';
import { cacheDir, npmPackVerified } from './helm.js';

/**
 * A Node 24 bookworm base image built from parts this machine can get, for engines that
 * cannot pull: a `debootstrap --variant=minbase bookworm` root (cached as a tarball between
 * runs), the Node 24 binary that runs the tests and npm from the npm registry, laid out as
 * in the official node image (/usr/local/bin), loaded with `docker import`.
 */
const NPM_VERSION = '11.19.1';
const NPM_INTEGRITY = 'sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==';
const SUITE = 'bookworm';

/** One apt source: its URIs and suites, from a one-line `deb …` entry or a deb822 stanza. */
interface AptSource {
  uris: string[];
  suites: string[];
}

/** Parses /etc/apt/sources.list-style lines and deb822 .sources stanzas (pure). */
export function parseAptSources(text: string, deb822: boolean): AptSource[] {
  if (!deb822) {
    return text
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => /^deb\s/.test(l))
      .map((l) => {
        // "deb [options] URI suite components…"
        const [, uri, suite] = l.replace(/\[[^\]]*\]/, ' ').split(/\s+/);
        return { uris: [uri!], suites: [suite!] };
      });
  }
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const field = (name: string) =>
        stanza
          .split('\n')
          .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
          ?.slice(name.length + 1)
          .trim()
          .split(/\s+/) ?? [];
      if (!field('Types').includes('deb') || field('Enabled')[0] === 'no') return null;
      return { uris: field('URIs'), suites: field('Suites') };
    })
    .filter((s): s is AptSource => s !== null);
}

/** The Debian mirror apt uses on this machine for the bookworm suite itself. */
export function debianMirror(etcApt = '/etc/apt'): string {
  const sources: AptSource[] = [];
  const list = path.join(etcApt, 'sources.list');
  if (existsSync(list)) sources.push(...parseAptSources(readFileSync(list, 'utf8'), false));
  const dir = path.join(etcApt, 'sources.list.d');
  for (const f of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (f.endsWith('.list')) sources.push(...parseAptSources(readFileSync(path.join(dir, f), 'utf8'), false));
    if (f.endsWith('.sources')) sources.push(...parseAptSources(readFileSync(path.join(dir, f), 'utf8'), true));
  }
  const uri = sources.find((s) => s.suites.includes(SUITE))?.uris[0];
  if (!uri) throw new Error(`no apt source for the ${SUITE} suite in ${etcApt}/sources.list or sources.list.d: debootstrap needs a Debian mirror`);
  return uri;
}

/** The minbase bookworm root as a tarball, made once with debootstrap and kept in the cache. */
export function debootstrapTarball(): string {
  const target = cacheDir('debootstrap', `${SUITE}-minbase.tar`);
  if (existsSync(target)) return target;
  const work = tempDir('hb-debootstrap-');
  try {
    const root = path.join(work, 'root');
    execFileSync('debootstrap', ['--variant=minbase', SUITE, root, debianMirror()], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    // No apt lists or package cache in the base, as in the official slim images.
    rmSync(path.join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    mkdirSync(path.join(root, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
    const tar = path.join(work, 'root.tar');
    execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.']);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(tar, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Imports the base into the engine as `tag`; node is the Node 24 binary to put in it. */
export function importNodeBase(engine: RunningDockerd, tag = 'hostbaseline-base:bookworm-node24', node = process.execPath): string {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${node} is Node ${version}: the base needs Node 24 (run the tests through scripts/with-node24.sh)`);
  const work = tempDir('hb-base-');
  try {
    const stage = path.join(work, 'stage');
    const bin = path.join(stage, 'usr', 'local', 'bin');
    const lib = path.join(stage, 'usr', 'local', 'lib', 'node_modules');
    mkdirSync(bin, { recursive: true });
    mkdirSync(lib, { recursive: true });
    copyFileSync(node, path.join(bin, 'node'));
    const npm = npmPackVerified(`npm@${NPM_VERSION}`, NPM_INTEGRITY, work);
    execFileSync('tar', ['-xzf', npm, '-C', lib]);
    renameSync(path.join(lib, 'package'), path.join(lib, 'npm'));
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(bin, 'npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(bin, 'npx'));
    // The cached root plus the new entries appended (docker import refuses duplicate paths,
    // so the directories the root already has are not appended again).
    const tar = path.join(work, 'base.tar');
    copyFileSync(debootstrapTarball(), tar);
    const added = ['./usr/local/bin/node', './usr/local/bin/npm', './usr/local/bin/npx', './usr/local/lib/node_modules'];
    // Machines behind a TLS-inspecting egress proxy name its CA in NODE_EXTRA_CA_CERTS; npm in
    // the build needs the same trust, so the base carries that bundle (the Dockerfile does not).
    const changes = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'];
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    if (extraCa && existsSync(extraCa)) {
      copyFileSync(extraCa, path.join(stage, 'usr', 'local', 'lib', 'build-host-ca.pem'));
      added.push('./usr/local/lib/build-host-ca.pem');
      changes.push('ENV NODE_EXTRA_CA_CERTS=/usr/local/lib/build-host-ca.pem');
    }
    execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', stage, '-rf', tar, ...added]);
    engine.cli(['import', ...changes.flatMap((c) => ['--change', c]), tar, tag]);
    return tag;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
