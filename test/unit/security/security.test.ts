import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apparmor } from '../../../src/collectors/security/apparmor.js';
import { parseAppArmorProfiles } from '../../../src/collectors/security/apparmor.parse.js';
import { selinux } from '../../../src/collectors/security/selinux.js';
import { parseSelinuxConfig } from '../../../src/collectors/security/selinux.parse.js';
import { yara } from '../../../src/collectors/security/yara.js';
import { parseYaraOutput, toHostPath } from '../../../src/collectors/security/yara.parse.js';
import { collectOnce, fakeCommands, fixturePath, tempDir } from '../../helpers.js';

describe('parsers', () => {
  it('AppArmor profiles, with names holding spaces and sub-profiles', () => {
    const bad: number[] = [];
    expect(parseAppArmorProfiles('a (enforce)\n/opt/my app (complain)\nx//y (kill)\nbroken\n', (l) => bad.push(l))).toEqual([
      { name: 'a', mode: 'enforce' },
      { name: '/opt/my app', mode: 'complain' },
      { name: 'x//y', mode: 'kill' },
    ]);
    expect(bad).toEqual([4]);
  });
  it('SELinux config', () => {
    expect(parseSelinuxConfig('# c\nSELINUX=Permissive\nSELINUXTYPE="targeted"\n')).toEqual({ mode: 'permissive', type: 'targeted' });
  });
  it('yara output and path mapping', () => {
    const bad: number[] = [];
    expect(parseYaraOutput('Evil /r/x/a b\nwarning: x\n', (l) => bad.push(l))).toEqual([{ rule: 'Evil', path: '/r/x/a b' }]);
    expect(bad).toEqual([2]);
    expect(toHostPath('/root/fx/opt/a', '/root/fx/opt', '/opt')).toBe('/opt/a');
    expect(toHostPath('/opt/a', '/opt', '/opt')).toBe('/opt/a');
    expect(toHostPath('/elsewhere', '/root/fx/opt', '/opt')).toBeNull();
  });
});

describe('apparmor', () => {
  it('host-a: profiles and counts', async () => {
    const r = await collectOnce(apparmor, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    expect(r.tables.apparmor_status).toEqual([{ enabled: true, state: 'available', profiles: 8 }]);
    expect(r.tables.apparmor_profile_counts!.find((c) => c.mode === 'enforce')!.count).toBe(6);
    expect(r.state.parseErrorsTotal).toBe(1);
  });
  it('no securityfs: success, state "not available", no profiles', async () => {
    const r = await collectOnce(apparmor, fixturePath('host-empty'));
    expect(r.state.success).toBe(true);
    expect(r.tables.apparmor_status).toEqual([{ enabled: false, state: 'not available', profiles: 0 }]);
    expect(r.tables.apparmor_profiles).toEqual([]);
  });
});

describe('selinux', () => {
  it('host-a: permissive while configured enforcing is a mismatch', async () => {
    const r = await collectOnce(selinux, fixturePath('host-a'));
    expect(r.tables.selinux).toEqual([
      { mode: 'permissive', enforcing: false, configured_mode: 'enforcing', policy_type: 'default', policy_version: 33, deny_unknown: false, mls: true, mismatch: true },
    ]);
  });
  it('garbage in enforce fails naming the file; nothing at all is zero rows', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'sys/fs/selinux'), { recursive: true });
    writeFileSync(path.join(root, 'sys/fs/selinux/enforce'), 'garbage');
    const r = await collectOnce(selinux, root);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/sys/fs/selinux/enforce');
    const e = await collectOnce(selinux, fixturePath('host-empty'));
    expect(e.state.success).toBe(true);
    expect(e.tables.selinux).toEqual([]);
  });
});

describe('yara (fake program)', () => {
  it('not configured or not installed: zero rows', async () => {
    expect((await collectOnce(yara, fixturePath('host-a'))).tables.yara_matches).toEqual([]);
    const r = await collectOnce(yara, fixturePath('host-a'), { options: { rules: '/x.yar', paths: ['/etc'] } });
    expect(r.state.success).toBe(true);
    expect(r.tables.yara_matches).toEqual([]);
  });
  it('maps printed paths back to host paths and counts per rule', async () => {
    const root = fixturePath('host-a');
    const commands = fakeCommands({
      yara: (args) => ({ code: 0, stdout: `Miner ${args.at(-1)}/init.d/miner\nMiner ${args.at(-1)}/crontab\nOther /not/in/root\n`, stderr: '' }),
    });
    const r = await collectOnce(yara, root, { commands, options: { rules: '/x.yar', paths: ['/etc', '/nowhere'] } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.yara_matches).toEqual([
      { rule: 'Miner', path: '/etc/crontab' },
      { rule: 'Miner', path: '/etc/init.d/miner' },
    ]);
    expect(r.tables.yara_match_counts).toEqual([{ rule: 'Miner', count: 2 }]);
  });
  it('bad rules (non-zero exit) fail the collector', async () => {
    const commands = fakeCommands({ yara: () => ({ code: 1, stdout: '', stderr: 'error: syntax error\n' }) });
    const r = await collectOnce(yara, fixturePath('host-a'), { commands, options: { rules: '/x.yar', paths: ['/etc'] } });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('syntax error');
  });
});
