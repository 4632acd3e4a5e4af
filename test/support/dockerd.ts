import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { tempDir } from '../helpers.js';
import { waitFor } from './exporter.js';
import { trackProcess } from './cleanup.js';

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunningDockerd {
  socket: string;
  /** The engine's own directory (data root, exec root, socket). */
  dir: string;
  docker: Docker;
  child: ChildProcess;
  /** `docker` CLI against this engine; opts for long or chatty commands (docker build). */
  cli(args: string[], opts?: CliOptions): string;
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /**
   * Run the engine in a mount namespace of its own whose / is a shared mount, as systemd
   * makes it on every real node, so that mounts with HostToContainer (rslave) propagation
   * work even where this machine's / is private. The host's mounts are left as they are.
   */
  sharedRootMount?: boolean;
}

/**
 * Starts a private Docker Engine the way this machine allows: no iptables, no bridge,
 * its own data and exec roots, a socket in a temp dir. Nothing is pulled: the busybox
 * image is imported from Debian's busybox-static binary.
 */
export async function startDockerd(opts: DockerdOptions = {}): Promise<RunningDockerd> {
  const dir = tempDir('hb-dockerd-');
  const socket = path.join(dir, 'docker.sock');
  const args = ['--iptables=false', '--ip6tables=false', '--bridge=none', `--data-root=${dir}/data`, `--exec-root=${dir}/exec`, `--pidfile=${dir}/docker.pid`, `--host=unix://${socket}`];
  const [program, argv] = opts.sharedRootMount
    ? ['unshare', ['--mount', '--propagation', 'unchanged', '--', 'sh', '-c', 'mount --make-rshared / && exec dockerd "$@"', 'dockerd', ...args]]
    : ['dockerd', args];
  const child = trackProcess(spawn(program as string, argv as string[], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const docker = new Docker({ socketPath: socket });
  await waitFor(`dockerd to start\n${log}`, async () => (await docker.ping()) !== undefined, 60_000, 250);
  const cli = (args: string[], cliOpts: CliOptions = {}) =>
    execFileSync('docker', ['-H', `unix://${socket}`, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      ...(cliOpts.env ? { env: { ...process.env, ...cliOpts.env } } : {}),
      ...(cliOpts.timeoutMs ? { timeout: cliOpts.timeoutMs } : {}),
    });
  return {
    socket,
    dir,
    docker,
    child,
    cli,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Imports a tiny busybox image (tag busybox:hb) from /bin/busybox. */
export function importBusybox(engine: RunningDockerd, tag = 'busybox:hb'): string {
  const root = tempDir('hb-bb-');
  mkdirSync(path.join(root, 'bin'));
  execFileSync('cp', ['/bin/busybox', path.join(root, 'bin', 'busybox')]);
  for (const applet of ['sh', 'sleep', 'nc', 'cat', 'ls', 'touch', 'httpd']) symlinkSync('busybox', path.join(root, 'bin', applet));
  writeFileSync(path.join(root, 'hello.txt'), 'hello\n');
  const tar = path.join(tempDir('hb-bbtar-'), 'rootfs.tar');
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  engine.cli(['import', tar, tag]);
  return tag;
}
