import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBigHost } from '../support/big-host.mjs';
import { REPO, tempDir } from '../helpers.js';

/*
 * The built exporter, under the heap limits `npm start` gives it, against a host with a
 * 100,000-line /etc/passwd: it used to die of heap exhaustion at start, and again on every
 * restart. Not timed (timeouts are raised): it must complete and say what it left out.
 */
const HEAVY = ['users', 'groups', 'shadow', 'suid_files', 'processes', 'listening_ports', 'ssh_authorized_keys', 'ssh_config', 'autostart', 'pip_config', 'shell_history'];
let root: string;

beforeAll(() => {
  root = buildBigHost({ users: 100_000, homes: 2_000, pids: 2_000 });
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function collect(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const bin = path.join(REPO, 'bin', 'hostbaseline-exporter.js');
  const child = spawn(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=128', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('a host with 100,000 accounts, under the production heap limits', () => {
  it('collects every account- and home-walking collector without running out of memory, reporting what it capped', async () => {
    const config = path.join(tempDir('hb-big-config-'), 'config.yaml');
    writeFileSync(config, `collectors:\n${HEAVY.map((c) => `  ${c}:\n    timeout: 10m\n`).join('')}`);
    const r = await collect(['collect', ...HEAVY, `--path.rootfs=${root}`, `--config.file=${config}`, '--format', 'json']);
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown[]>>;
    expect(out.users!.users!.length).toBe(10_000);
    expect(out.processes!.processes!.length).toBe(2_000);
    expect(r.stderr).toMatch(/capped: items left out by a limit.*source=\/etc\/passwd kept=10000 total=100002/);
    expect(r.stderr).toMatch(/capped: items left out by a limit.*source="user homes" kept=1000/);
  }, 900_000);
});
