import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemdUnits } from '../../../src/collectors/services/systemd-units.js';
import { execProgram, parseUnitFile, templateOf, unitType, unitValue, unitValues } from '../../../src/collectors/services/systemd-units.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

describe('unit file parser', () => {
  it('reads sections, repeated keys, resets and continuations', () => {
    const bad: string[] = [];
    const u = parseUnitFile(
      '# c\n[Service]\nExecStart=/a\nExecStart=/b \\\n  --x\n; c\nUser = bob\nnot a setting\n[Bad\n',
      (l, r) => bad.push(`${l}:${r}`),
    );
    expect(unitValues(u, 'Service', 'ExecStart')).toEqual(['/a', '/b  --x']);
    expect(unitValue(u, 'Service', 'User')).toBe('bob');
    expect(bad).toEqual(['8:expected Key=value', '9:bad section header']);
    parseUnitFile('[Service]\nExecStart=\nExecStart=/c\n', undefined, u);
    expect(unitValues(u, 'Service', 'ExecStart')).toEqual(['/c']);
  });
  it('settings before any section are malformed', () => {
    const bad: number[] = [];
    parseUnitFile('A=b\n', (l) => bad.push(l));
    expect(bad).toEqual([1]);
  });
  it('names, templates and ExecStart prefixes', () => {
    expect(unitType('a.service')).toBe('service');
    expect(unitType('a.conf')).toBeNull();
    expect(unitType('.timer')).toBeNull();
    expect(templateOf('getty@tty1.service')).toBe('getty@.service');
    expect(execProgram('-/sbin/agetty -o x')).toBe('/sbin/agetty');
    expect(execProgram('!!/usr/bin/x')).toBe('/usr/bin/x');
    expect(execProgram('@/bin/sh sh -c x')).toBe('/bin/sh');
  });
});

describe('systemd_units on host-a', () => {
  it('states, aliases, drop-ins, timers, and no secrets', async () => {
    const r = await collectOnce(systemdUnits, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    const byUnit = new Map(r.tables.systemd_units!.map((u) => [u.unit, u]));
    expect(Object.fromEntries([...byUnit].map(([k, v]) => [k, v.state]))).toEqual({
      'agent-update.service': 'enabled',
      'bluetooth.service': 'masked', // /etc masks the vendor unit
      'cron.service': 'enabled',
      'fstrim.service': 'static',
      'fstrim.timer': 'disabled',
      'getty@.service': 'enabled',
      'logrotate.service': 'static',
      'logrotate.timer': 'enabled',
      'multi-user.target': 'static',
      'nginx.service': 'enabled-runtime',
      'ssh.service': 'enabled',
      'sshd.service': 'alias',
      'uuidd.service': 'indirect',
    });
    expect(byUnit.get('ssh.service')).toMatchObject({ exec_start: '/usr/sbin/sshd', drop_ins: 1, exec_start_count: 1 });
    expect(byUnit.get('agent-update.service')).toMatchObject({ user: 'nobody', exec_start: '/var/tmp/.cache/upd' });
    expect(byUnit.get('sshd.service')!.alias_of).toBe('ssh.service');
    expect(r.tables.systemd_timers!.map((t) => [t.unit, t.on_calendar, t.on_boot_sec, t.activates])).toEqual([
      ['fstrim.timer', 'weekly', '15min', 'fstrim.service'],
      ['logrotate.timer', 'daily', '', 'logrotate.service'],
    ]);
    const all = JSON.stringify(r.tables) + r.samples;
    for (const secret of ['sk_live_', 's3cr3t', 'LogLevel=VERBOSE']) expect(all).not.toContain(secret);
    expect(r.state.parseErrorsTotal).toBe(1);
  });

  it('a merged-/usr host (/lib -> usr/lib) lists each unit once', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'usr/lib/systemd/system'), { recursive: true });
    symlinkSync('usr/lib', path.join(root, 'lib'));
    writeFileSync(path.join(root, 'usr/lib/systemd/system/a.service'), '[Service]\nExecStart=/bin/a\n');
    const r = await collectOnce(systemdUnits, root);
    expect(r.tables.systemd_units!.map((u) => [u.unit, u.source_dir])).toEqual([['a.service', '/usr/lib/systemd/system']]);
  });

  it('dangling links and FIFOs are skipped; an empty host has no units', async () => {
    const root = tempDir();
    const d = path.join(root, 'etc/systemd/system');
    mkdirSync(d, { recursive: true });
    symlinkSync('/nowhere/x.service', path.join(d, 'x.service'));
    symlinkSync('loop.service', path.join(d, 'loop.service'));
    const r = await collectOnce(systemdUnits, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.systemd_units).toEqual([]);
    expect(r.state.parseErrorsTotal).toBe(2);
    const e = await collectOnce(systemdUnits, fixturePath('host-empty'));
    expect(e.state.success).toBe(true);
  });
});
