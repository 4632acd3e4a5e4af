import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { tempDir } from '../helpers.js';
import { waitFor } from './exporter.js';
import { trackProcess } from './cleanup.js';

export interface RunningDockerd {
  socket: string;
  docker: Docker;
  child: ChildProcess;
  /** `docker` CLI against this engine. */
  cli(args: string[]): string;
  stop(): Promise<void>;
}

/**
 * Starts a private Docker Engine the way this machine allows: no iptables, no bridge,
 * its own data and exec roots, a socket in a temp dir. Nothing is pulled: the busybox
 * image is imported from Debian's busybox-static binary.
 */
export async function startDockerd(): Promise<RunningDockerd> {
  const dir = tempDir('hb-dockerd-');
  const socket = path.join(dir, 'docker.sock');
  const child = trackProcess(spawn(
    'dockerd',
    ['--iptables=false', '--ip6tables=false', '--bridge=none', `--data-root=${dir}/data`, `--exec-root=${dir}/exec`, `--pidfile=${dir}/docker.pid`, `--host=unix://${socket}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  ));
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const docker = new Docker({ socketPath: socket });
  await waitFor(`dockerd to start\n${log}`, async () => (await docker.ping()) !== undefined, 60_000, 250);
  const cli = (args: string[]) => execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' });
  return {
    socket,
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
