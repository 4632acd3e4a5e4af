import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processes } from '../../src/collectors/processes/processes.js';
import { systemClock } from '../../src/util/clock.js';
import { createCommandRunner } from '../../src/host/commands.js';
import { collectOnce, tempDir } from '../helpers.js';
import { trackProcess } from '../support/cleanup.js';

// Runs against this machine's real /proc.
describe('processes collector on this machine', () => {
  it('reports a process started here with the sha256 that sha256sum computes', async () => {
    const dir = tempDir('hb-proc-');
    const exe = path.join(dir, 'sleeper');
    copyFileSync('/bin/sleep', exe);
    execFileSync('chmod', ['755', exe]);
    const child = trackProcess(spawn(exe, ['300'], { stdio: 'ignore', env: { PATH: '/usr/bin:/bin', LD_LIBRARY_PATH: '/nonexistent', SECRET_TOKEN: 'do-not-leak-me' } }));
    await new Promise((r) => child.once('spawn', r));
    try {
      const { state, tables } = await collectOnce(processes, '/', { clock: systemClock, commands: createCommandRunner() });
      expect(state.success, state.lastError ?? '').toBe(true);
      const row = tables.processes!.find((r) => r.pid === child.pid);
      expect(row).toBeDefined();
      const expected = execFileSync('sha256sum', [exe], { encoding: 'utf8' }).split(' ')[0];
      expect(row!.exe).toBe(exe);
      expect(row!.exe_sha256).toBe(expected);
      expect(row!.tmp_exec).toBe(exe.startsWith('/tmp/'));
      expect(row!.cmdline).toBe(`${exe} 300`);
      expect(row!.ppid).toBe(process.pid);
      expect(row!.ld_library_path).toBe(true);
      expect(row!.env_names).toContain('SECRET_TOKEN');
      expect(JSON.stringify(tables)).not.toContain('do-not-leak-me');
      // Start time within a few seconds of now (btime + start ticks).
      expect(Math.abs(Number(row!.start_time) - Date.now() / 1000)).toBeLessThan(30);
      // The test process itself: threads and open sockets are counted.
      const self = tables.processes!.find((r) => r.pid === process.pid)!;
      expect(Number(self.threads)).toBeGreaterThan(1);
      expect(tables.processes!.filter((r) => r.hidden)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not disturbed by processes that exit while it reads', async () => {
    // Shell loops start and reap short-lived processes all the time, outside this event loop.
    const loops = [0, 1].map(() => trackProcess(spawn('sh', ['-c', 'while :; do /bin/true; /bin/true & wait; done'], { stdio: 'ignore' })));
    try {
      for (let i = 0; i < 3; i++) {
        const { state, tables } = await collectOnce(processes, '/', { clock: systemClock, commands: createCommandRunner() });
        expect(state.success, state.lastError ?? '').toBe(true);
        expect(state.parseErrorsTotal).toBe(0);
        expect(tables.processes!.filter((r) => r.hidden)).toEqual([]);
      }
    } finally {
      for (const l of loops) l.kill('SIGKILL');
    }
  });
});
