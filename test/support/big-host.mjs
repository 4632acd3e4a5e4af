// A host root as large as a hostile or huge host makes it: N passwd accounts with their
// home directories and M processes in a fake /proc (stat, status, cmdline, comm, as the
// process collectors read them). Shared by the benchmark and the size test; the caller
// removes the directory.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * @param {{ users: number, pids: number, homes?: number, dir?: string }} o  homes: how many of
 *   the accounts' home directories exist (all by default)
 * @returns {string} the host root
 */
export function buildBigHost(o) {
  const root = o.dir ?? mkdtempSync(path.join(tmpdir(), 'hb-bighost-'));
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'home'), { recursive: true });
  const passwd = ['root:x:0:0:root:/root:/bin/bash'];
  const shadow = ['root:*:20000:0:99999:7:::'];
  const group = ['root:x:0:', 'users:x:100:'];
  for (let i = 0; i < o.users; i++) {
    passwd.push(`u${i}:x:${10000 + i}:100:User ${i}:/home/u${i}:/bin/bash`);
    shadow.push(`u${i}:!:20000:0:99999:7:::`);
    if (i < (o.homes ?? o.users)) mkdirSync(path.join(root, 'home', `u${i}`));
  }
  // A second uid 0 account and an account without a password at the very end: a limit must not hide them.
  passwd.push('toor:x:0:0:backdoor:/root:/bin/sh');
  shadow.push('toor::20000:0:99999:7:::');
  writeFileSync(path.join(root, 'etc/passwd'), passwd.join('\n') + '\n');
  writeFileSync(path.join(root, 'etc/shadow'), shadow.join('\n') + '\n');
  writeFileSync(path.join(root, 'etc/group'), group.join('\n') + '\n');

  const proc = path.join(root, 'proc');
  mkdirSync(proc, { recursive: true });
  writeFileSync(path.join(proc, 'stat'), 'cpu  100 0 100 1000 0 0 0 0 0 0\nbtime 1767225600\n');
  writeFileSync(path.join(proc, 'uptime'), '1000.00 900.00\n');
  for (let pid = 1; pid <= o.pids; pid++) {
    const dir = path.join(proc, String(pid));
    mkdirSync(dir);
    const uid = pid === 1 ? 0 : 10000 + (pid % Math.max(1, o.users));
    const ppid = pid === 1 ? 0 : 1;
    const comm = pid === 1 ? 'init' : `worker${pid % 100}`;
    // Fields 3..22 of stat(5): state, ppid, …, num_threads (20), …, starttime (22).
    writeFileSync(path.join(dir, 'stat'), `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194304 100 0 0 0 10 5 0 0 20 0 1 0 ${1000 + pid} 1000000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`);
    writeFileSync(
      path.join(dir, 'status'),
      `Name:\t${comm}\nState:\tS (sleeping)\nTgid:\t${pid}\nPid:\t${pid}\nPPid:\t${ppid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t100\t100\t100\t100\nThreads:\t1\nVmRSS:\t1000 kB\n`,
    );
    writeFileSync(path.join(dir, 'cmdline'), `/usr/bin/${comm}\0--serve\0`);
    writeFileSync(path.join(dir, 'comm'), `${comm}\n`);
  }
  return root;
}
