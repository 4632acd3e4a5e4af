import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from '../helpers.js';
import { trackProcess } from './cleanup.js';

/**
 * The suid_files search paths but /tmp, for exporters run on this machine's own root: /tmp holds
 * the test run's own trees (debootstrap roots, engine data roots), which are not the host's and
 * make the first SUID walk slow.
 */
export const SUID_PATHS_BUT_TMP = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'].map((p) => `--collector.suid_files.paths=${p}`);

export interface RunningExporter {
  child: ChildProcess;
  address: string;
  url: string;
  logs: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built exporter (dist/) on a loopback port it picks itself and waits until it listens. */
export async function startExporter(args: string[], opts: { env?: NodeJS.ProcessEnv; scheme?: 'http' | 'https' } = {}): Promise<RunningExporter> {
  const bin = path.join(REPO, 'bin', 'hostbaseline-exporter.js');
  const child = trackProcess(spawn(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=128', bin, '--web.listen-address=127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  }));
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exporter did not start:\n${log}`)), 20_000);
    const check = () => {
      const m = /msg="hostbaseline exporter started".*?address=(\S+)/.exec(log) ?? /"address":"([^"]+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exporter exited with ${code}:\n${log}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    address,
    url: `${opts.scheme ?? 'http'}://${address}`,
    logs: () => log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until a condition holds, polling. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
