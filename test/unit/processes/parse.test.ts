import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../../src/collectors/processes/cgroup.parse.js';
import {
  formatCmdline,
  isTmpExec,
  parseChildren,
  parseEnvironNames,
  parseLimits,
  parseMaps,
  parseStatus,
  stateName,
} from '../../../src/collectors/processes/processes.parse.js';
import { classifyFd, parseExeLink, parseNamespaceLink } from '../../../src/host/procfs/links.parse.js';
import { parsePidStat as parseStat } from '../../../src/host/procfs/pid-stat.parse.js';
import { parseProcStat } from '../../../src/host/procfs/stat.parse.js';

const STAT = '1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 1200 0 10 0 25 12 0 0 20 0 3 0 98765 23456768 1520 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

describe('parseStat', () => {
  it('reads a comm with spaces and parentheses, state, ppid, threads and start time', () => {
    expect(parseStat(STAT)).toEqual({ pid: 1234, comm: 'my (odd) name', state: 'S', ppid: 1, threads: 3, startTicks: 98765 });
  });
  it('rejects truncated and garbage lines', () => {
    expect(parseStat('1234 (bash) S 1 2 3')).toBeNull();
    expect(parseStat('garbage')).toBeNull();
    expect(parseStat('')).toBeNull();
    expect(parseStat('x (a) S ' + '1 '.repeat(30))).toBeNull();
  });
  it('names states', () => {
    expect(stateName('Z')).toBe('zombie');
    expect(stateName('I')).toBe('idle');
    expect(stateName('?')).toBe('unknown');
  });
});

describe('parseStatus', () => {
  it('reads ids, tgid, ppid, threads', () => {
    const s = parseStatus('Name:\tsshd\nTgid:\t733\nPPid:\t1\nUid:\t0\t1000\t0\t0\nGid:\t4\t5\t4\t4\nThreads:\t2\n');
    expect(s).toEqual({ name: 'sshd', tgid: 733, ppid: 1, uid: 0, euid: 1000, gid: 4, egid: 5, threads: 2 });
  });
  it('leaves missing or garbled keys null', () => {
    expect(parseStatus('Uid:\tx\n\0\0garbage').uid).toBeNull();
    expect(parseStatus('').threads).toBeNull();
  });
});

describe('parseLimits', () => {
  it('keeps nofile, nproc, core and memlock as printed', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max core file size        0                    unlimited            bytes     ',
      'Max processes             63419                63419                processes ',
      'Max open files            1024                 524288               files     ',
      'Max locked memory         8388608              8388608              bytes     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
    ].join('\n');
    expect(parseLimits(text)).toEqual({
      core: { soft: '0', hard: 'unlimited' },
      nproc: { soft: '63419', hard: '63419' },
      nofile: { soft: '1024', hard: '524288' },
      memlock: { soft: '8388608', hard: '8388608' },
    });
    expect(parseLimits('garbage\n\n')).toEqual({});
  });
});

describe('parseMaps', () => {
  it('counts writable+executable and deleted mappings, not SysV shared memory', () => {
    const text = [
      '55d4c6a2a000-55d4c6b10000 r-xp 0002a000 fd:01 1835101 /usr/bin/x',
      '7f2b1c900000-7f2b1c921000 rwxp 00000000 00:00 0 ',
      '7f2b1ca00000-7f2b1ca05000 r-xp 00000000 00:1b 2931 /memfd:payload (deleted)',
      '7f2b1ca00000-7f2b1ca05000 r-xp 00000000 fd:01 2931 /usr/lib/libssl.so.3 (deleted)',
      '7f2b1cb00000-7f2b1cb10000 rw-s 00000000 00:01 32770 /SYSV00000000 (deleted)',
      'not a mapping line',
    ].join('\n');
    expect(parseMaps(text)).toEqual({ mappings: 5, deleted: 2, writableExecutable: 1 });
  });
});

describe('environment and command line', () => {
  it('keeps variable names only', () => {
    const names = parseEnvironNames(Buffer.from('PATH=/bin\0LD_PRELOAD=/tmp/x.so\0SECRET=hunter2\0=bad\0junk\0'));
    expect(names).toEqual(['LD_PRELOAD', 'PATH', 'SECRET']);
    expect(names.join()).not.toContain('hunter2');
  });
  it('joins, redacts secrets and caps the command line', () => {
    const cmd = formatCmdline(Buffer.from('app\0--password\0hunter2\0--token=abc\0https://u:p@h/x\0-v\0'));
    expect(cmd).toBe('app --password <redacted> --token=<redacted> https://u:<redacted>@h/x -v');
    expect(formatCmdline('a'.repeat(1000) + '\0', 256)).toHaveLength(256);
    expect(formatCmdline('')).toBe('');
  });
});

describe('small parsers', () => {
  it('classifies fd targets', () => {
    expect(classifyFd('socket:[123]')).toEqual({ kind: 'socket', inode: 123 });
    expect(classifyFd('pipe:[9]').kind).toBe('pipe');
    expect(classifyFd('anon_inode:[eventpoll]').kind).toBe('anon');
    expect(classifyFd('/var/log/x.log').kind).toBe('file');
  });
  it('reads namespace links, exe links, btime, children', () => {
    expect(parseNamespaceLink('net:[4026531840]')).toBe(4026531840);
    expect(parseNamespaceLink('garbage')).toBeNull();
    expect(parseExeLink('/usr/bin/x (deleted)')).toEqual({ path: '/usr/bin/x', deleted: true });
    expect(parseExeLink('/usr/bin/x')).toEqual({ path: '/usr/bin/x', deleted: false });
    expect(parseProcStat('cpu 1 2 3 4\nbtime 1768391877\n').btime).toBe(1768391877);
    expect(parseChildren('12 34 \n')).toEqual([12, 34]);
    expect(isTmpExec('/dev/shm/x')).toBe(true);
    expect(isTmpExec('/tmpfoo/x')).toBe(false);
  });
});

describe('parseCgroup', () => {
  const id = 'a'.repeat(64);
  it.each([
    ['0::/system.slice/docker-' + id + '.scope', 'docker', ''],
    ['12:pids:/docker/' + id, 'docker', ''],
    ['0::/system.slice/crio-' + id + '.scope', 'crio', ''],
    ['0::/machine.slice/libpod-' + id + '.scope/container', 'podman', ''],
    [
      '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d.slice/cri-containerd-' + id + '.scope',
      'containerd',
      '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    ],
    ['11:memory:/kubepods/burstable/pod0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/' + id, 'kubernetes', '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'],
  ])('%s', (text, runtime, pod) => {
    const f = parseCgroup(text + '\n');
    expect(f.runtime).toBe(runtime);
    expect(f.container_id).toBe(id);
    expect(f.pod_uid).toBe(pod);
  });
  it('finds the systemd unit, user units included', () => {
    expect(parseCgroup('0::/system.slice/ssh.service\n')).toMatchObject({ unit: 'ssh.service', runtime: '', user_unit_uid: null });
    expect(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service\n')).toMatchObject({
      unit: 'dbus.service',
      user_unit_uid: 1000,
    });
    expect(parseCgroup('1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n2:cpu:/\n').unit).toBe('session-3.scope');
    expect(parseCgroup('garbage\n')).toMatchObject({ path: '', unit: '', runtime: '' });
  });
});
