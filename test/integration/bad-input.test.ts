import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import { memoryLogger } from '../../src/util/logger.js';
import { fixturePath, REPO, schedulerFor, tempDir } from '../helpers.js';

/** A copy of the fixture host to break one file at a time. */
function hostCopy(): string {
  const root = tempDir('hb-bad-');
  cpSync(fixturePath('host-a'), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

const SYSTEM = allCollectors().filter((s) => s.area === 'system');

async function runSystem(root: string) {
  const log = memoryLogger();
  const scheduler = schedulerFor(SYSTEM, root, { log, maxFileBytes: 16 * 1024 * 1024 });
  await scheduler.runAll();
  const failed = scheduler.list().filter((s) => !s.success);
  return { scheduler, failed, log };
}

describe('bad input on a host: one collector fails, clearly, and the others carry on', () => {
  const cases: { what: string; file: string; collector: string; breakIt: (p: string) => void; reason: RegExp }[] = [
    { what: 'a 100 MB file', file: '/etc/os-release', collector: 'os_release', breakIt: (p) => truncateSync(p, 100 * 1024 * 1024), reason: /file too large/ },
    { what: 'a symlink loop', file: '/proc/modules', collector: 'kernel_modules', breakIt: (p) => { rmSync(p); symlinkSync('modules', p); }, reason: /too many levels of symbolic links/ },
    { what: 'a directory where a file should be', file: '/proc/uptime', collector: 'uptime', breakIt: (p) => { rmSync(p); mkdirSync(p); }, reason: /not a regular file/ },
    { what: 'a FIFO where a file should be', file: '/proc/meminfo', collector: 'memory', breakIt: (p) => { rmSync(p); execFileSync('mkfifo', [p]); }, reason: /not a regular file/ },
    { what: 'garbage content', file: '/etc/os-release', collector: 'os_release', breakIt: (p) => writeFileSync(p, Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37])), reason: /\/etc\/os-release/ },
  ];

  for (const c of cases) {
    it(`${c.what} (${c.file})`, async () => {
      const root = hostCopy();
      c.breakIt(path.join(root, c.file));
      const { failed, log, scheduler } = await runSystem(root);
      expect(failed.map((s) => s.spec.name)).toEqual([c.collector]);
      expect(failed[0]!.lastError).toContain(c.file);
      expect(failed[0]!.lastError).toMatch(c.reason);
      // The log line names the collector, the file and the reason.
      expect(log.lines.some((l) => l.includes('msg="collector failed"') && l.includes(`collector=${c.collector}`) && l.includes(c.file))).toBe(true);
      expect(scheduler.list().filter((s) => s.success).length).toBe(SYSTEM.length - 1);
    });
  }

  it('a symlink pointing outside the root is read inside the root (missing there: zero rows, no escape)', async () => {
    const root = hostCopy();
    const outside = tempDir('hb-outside-');
    writeFileSync(path.join(outside, 'os-release'), 'ID=escaped\n');
    rmSync(path.join(root, 'etc/os-release'));
    symlinkSync(path.join(outside, 'os-release'), path.join(root, 'etc/os-release'));
    const { failed, scheduler } = await runSystem(root);
    expect(failed).toEqual([]);
    const rows = scheduler.get('os_release')!.tables![0]!.rows;
    expect(JSON.stringify(rows)).not.toContain('escaped');
  });

  it('missing sources are not failures', async () => {
    const root = hostCopy();
    for (const f of ['proc/modules', 'etc/os-release']) rmSync(path.join(root, f), { force: true });
    const { failed, scheduler } = await runSystem(root);
    expect(failed.map((s) => `${s.spec.name}: ${s.lastError}`)).toEqual([]);
    expect(scheduler.get('kernel_modules')!.tables!.find((t) => t.name === 'kernel_modules')?.rows ?? []).toEqual([]);
  });

  it('permission denied (as an unprivileged user): that collector fails naming the file', () => {
    const root = hostCopy();
    execFileSync('chmod', ['-R', 'a+rX', root]);
    chmodSync(path.join(root, 'etc/os-release'), 0o000);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(REPO, 'bin', 'hostbaseline-exporter.js'), 'collect', 'os_release', 'identity', `--path.rootfs=${root}`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('collector os_release failed: /etc/os-release: permission denied');
    expect(r.stderr).not.toContain('collector identity failed');
    expect(r.stdout).toContain('# identity /');
  });
});
