import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Runs helper programs (iptables-save, smartctl, …). Injected so tests can replace it. */
export interface CommandRunner {
  /** Absolute path of a program found in PATH, or null when it is not installed. */
  which(program: string): Promise<string | null>;
  run(program: string, args: string[], opts?: RunOptions): Promise<CommandResult>;
}

export class CommandError extends Error {
  constructor(program: string, reason: string) {
    super(`${program}: ${reason}`);
    this.name = 'CommandError';
  }
}

export function createCommandRunner(envPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'): CommandRunner {
  const dirs = envPath.split(':').filter(Boolean);
  return {
    async which(program) {
      if (program.includes('/')) return (await isExecutable(program)) ? program : null;
      for (const dir of dirs) {
        const candidate = path.join(dir, program);
        if (await isExecutable(candidate)) return candidate;
      }
      return null;
    },
    run(program, args, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 10_000;
      const max = opts.maxOutputBytes ?? 16 * 1024 * 1024;
      return new Promise((resolve, reject) => {
        const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let size = 0;
        let failure: Error | null = null;
        const kill = (reason: string) => {
          failure ??= new CommandError(program, reason);
          child.kill('SIGKILL');
        };
        const timer = setTimeout(() => kill(`timed out after ${timeoutMs} ms`), timeoutMs);
        const onAbort = () => kill('aborted');
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        const take = (chunks: Buffer[]) => (b: Buffer) => {
          size += b.length;
          if (size > max) kill(`output larger than ${max} bytes`);
          else chunks.push(b);
        };
        child.stdout.on('data', take(out));
        child.stderr.on('data', take(err));
        child.on('error', (e) => kill(e.message));
        child.on('close', (code) => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          if (failure) return reject(failure);
          resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
      });
    },
  };
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
