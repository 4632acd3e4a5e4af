import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';

// In the chart's pod the kernel refuses some security keys (net.core.bpf_jit_* need CAP_SYS_ADMIN);
// here an unprivileged user and a mode-000 file stand in for that refusal.
describe.runIf(hasProgram('setpriv'))('sysctl keys the kernel will not show', () => {
  it('are reported as unreadable records, not a failed collector', () => {
    const root = tempDir('hb-sysctl-');
    for (const [key, value] of [['kernel/kptr_restrict', '1'], ['net/core/bpf_jit_harden', '2']] as const) {
      mkdirSync(path.join(root, 'proc/sys', path.dirname(key)), { recursive: true });
      writeFileSync(path.join(root, 'proc/sys', key), `${value}\n`);
    }
    execFileSync('chmod', ['-R', 'a+rX', root]);
    chmodSync(path.join(root, 'proc/sys/net/core/bpf_jit_harden'), 0o000);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(REPO, 'bin', 'hostbaseline-exporter.js'), 'collect', 'sysctl', `--path.rootfs=${root}`], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('collector sysctl failed');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\/proc\/sys\/net\/core\/bpf_jit_harden.*permission denied/);
    expect(r.stdout).toContain('kernel.kptr_restrict');
    expect(r.stdout).not.toContain('net.core.bpf_jit_harden');
  });
});
