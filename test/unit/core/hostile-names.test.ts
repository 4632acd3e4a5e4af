import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { suidFiles } from '../../../src/collectors/files/suid-files.js';
import { fileHashes } from '../../../src/collectors/files/file-hashes.js';
import { cron } from '../../../src/collectors/services/cron.js';
import { initScripts } from '../../../src/collectors/services/init-scripts.js';
import { systemdUnits } from '../../../src/collectors/services/systemd-units.js';
import { autostart } from '../../../src/collectors/system/autostart.js';
import { processes } from '../../../src/collectors/processes/processes.js';
import { sudoers } from '../../../src/collectors/users/sudoers.js';
import { startFim, type FimWatcher } from '../../../src/events/fim/watcher.js';
import type { EventSink, SecurityEvent } from '../../../src/events/types.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { escapeName, unescapeName } from '../../../src/host/names.js';
import { systemClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { collectOnce, tempDir } from '../../helpers.js';

/*
 * File names that are not text: a byte that is not UTF-8 and a newline. git cannot hold
 * such names portably, so they are created here, in temporary host roots, with Buffer paths.
 */
const BAD = Buffer.from([0x65, 0x76, 0x69, 0x6c, 0xff, 0x0a, 0x78]); // "evil", 0xff, "\n", "x"
const BAD_SHOWN = 'evil\\xff\\x0ax';

/** A host path below `root` whose last component is `name` followed by `suffix`. */
function local(root: string, dir: string, name: Buffer = BAD, suffix = ''): Buffer {
  return Buffer.concat([Buffer.from(path.join(root, dir) + '/'), name, Buffer.from(suffix)]);
}

function write(root: string, rel: string, text: string, mode?: number): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
  if (mode !== undefined) chmodSync(path.join(root, rel), mode);
}

describe('names that are not text', () => {
  it('the shown name round-trips to the bytes', () => {
    expect(escapeName(BAD)).toBe(BAD_SHOWN);
    expect(unescapeName(BAD_SHOWN).equals(BAD)).toBe(true);
  });

  it('HostFs lists, reads, stats and resolves links of such names', async () => {
    const root = tempDir('hb-names-');
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(local(root, 'etc'), 'content\n');
    writeFileSync(path.join(root, 'etc', 'plain'), 'plain\n');
    mkdirSync(local(root, 'etc', BAD, '.d'));
    writeFileSync(Buffer.concat([local(root, 'etc', BAD, '.d'), Buffer.from('/inner')]), 'inner\n');
    symlinkSync(Buffer.concat([Buffer.from('/etc/'), BAD]), Buffer.from(path.join(root, 'etc', 'link')));
    // A name that looks like an escape stays itself.
    writeFileSync(path.join(root, 'etc', 'lit\\x0a'), 'literal\n');
    const fs = new HostFs({ rootfs: root });
    const names = (await fs.readdir('/etc')).map((e) => e.name);
    expect(names).toEqual([BAD_SHOWN, `${BAD_SHOWN}.d`, 'link', 'lit\\\\x0a', 'plain']);
    expect(await fs.readText(`/etc/${BAD_SHOWN}`)).toBe('content\n');
    expect(await fs.readText(`/etc/${BAD_SHOWN}.d/inner`)).toBe('inner\n');
    expect(await fs.readText('/etc/lit\\\\x0a')).toBe('literal\n');
    expect(await fs.readlink('/etc/link')).toBe(`/etc/${BAD_SHOWN}`);
    expect(await fs.readText('/etc/link')).toBe('content\n');
    expect(await fs.canonical('/etc/link')).toBe(`/etc/${BAD_SHOWN}`);
    expect((await fs.stat(`/etc/${BAD_SHOWN}`)).size).toBe(8);
  });

  it('suid_files reports a setuid binary with such a name', async () => {
    const root = tempDir('hb-names-suid-');
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    copyFileSync('/bin/true', local(root, 'usr/bin'));
    chmodSync(local(root, 'usr/bin'), 0o4755);
    const r = await collectOnce(suidFiles, root, { options: { paths: ['/usr/bin'] } });
    expect(r.state.success).toBe(true);
    const row = r.tables.suid_files!.find((x) => x.path === `/usr/bin/${BAD_SHOWN}`);
    expect(row).toMatchObject({ setuid: true, owner: 'root', type: 'elf' });
    expect(row!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.samples).toContain(`path="/usr/bin/evil\\\\xff\\\\x0ax"`);
  });

  it('file_hashes hashes such a file', async () => {
    const root = tempDir('hb-names-hash-');
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(local(root, 'etc'), 'hash me\n');
    const r = await collectOnce(fileHashes, root, { options: { paths: ['/etc'] } });
    expect(r.state.success).toBe(true);
    const rows = Object.values(r.tables).flat();
    expect(rows.some((x) => x.path === `/etc/${BAD_SHOWN}` && typeof x.sha256 === 'string' && x.sha256.length === 64)).toBe(true);
  });

  it('sudoers reads a NOPASSWD: ALL drop-in with such a name', async () => {
    const root = tempDir('hb-names-sudo-');
    write(root, 'etc/sudoers', 'root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n');
    mkdirSync(path.join(root, 'etc/sudoers.d'));
    writeFileSync(local(root, 'etc/sudoers.d'), 'mallory ALL=(ALL) NOPASSWD: ALL\n');
    const r = await collectOnce(sudoers, root);
    expect(r.state.success).toBe(true);
    const file = `/etc/sudoers.d/${BAD_SHOWN}`;
    expect(r.tables.sudo_files!.map((x) => x.file)).toContain(file);
    expect(r.tables.sudo_rules).toContainEqual(expect.objectContaining({ file, principal: 'mallory', nopasswd: true, all_commands: true }));
  });

  it('cron reads a cron.d job with such a name', async () => {
    const root = tempDir('hb-names-cron-');
    mkdirSync(path.join(root, 'etc/cron.d'), { recursive: true });
    writeFileSync(local(root, 'etc/cron.d'), '* * * * * root /tmp/.x/payload\n');
    const r = await collectOnce(cron, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.cron_jobs).toContainEqual(expect.objectContaining({ source: `/etc/cron.d/${BAD_SHOWN}`, kind: 'cron_d', user: 'root', executable: '/tmp/.x/payload' }));
  });

  it('systemd_units lists a unit with such a name and still the others', async () => {
    const root = tempDir('hb-names-units-');
    write(root, 'etc/systemd/system/good.service', '[Service]\nExecStart=/usr/bin/good\n');
    writeFileSync(local(root, 'etc/systemd/system', BAD, '.service'), '[Service]\nExecStart=/usr/bin/evil\n[Install]\nWantedBy=multi-user.target\n');
    mkdirSync(path.join(root, 'etc/systemd/system/multi-user.target.wants'));
    symlinkSync(
      Buffer.concat([Buffer.from('/etc/systemd/system/'), BAD, Buffer.from('.service')]),
      local(root, 'etc/systemd/system/multi-user.target.wants', BAD, '.service'),
    );
    const r = await collectOnce(systemdUnits, root);
    expect(r.state.success).toBe(true);
    const units = Object.values(r.tables).flat().map((x) => x.unit);
    expect(units).toContain('good.service');
    expect(units).toContain(`${BAD_SHOWN}.service`);
    expect(r.samples).toContain(`unit="evil\\\\xff\\\\x0ax.service"`);
  });

  it('init_scripts and autostart list an init script and an rc link with such names', async () => {
    const root = tempDir('hb-names-init-');
    write(root, 'etc/init.d/ssh', '#!/bin/sh\n', 0o755);
    writeFileSync(local(root, 'etc/init.d'), '#!/bin/sh\n/tmp/payload\n');
    chmodSync(local(root, 'etc/init.d'), 0o755);
    mkdirSync(path.join(root, 'etc/rc2.d'));
    symlinkSync(Buffer.concat([Buffer.from('../init.d/'), BAD]), local(root, 'etc/rc2.d', Buffer.concat([Buffer.from('S01'), BAD])));
    const init = await collectOnce(initScripts, root);
    expect(init.state.success).toBe(true);
    expect(init.tables.init_scripts).toContainEqual(expect.objectContaining({ name: BAD_SHOWN, path: `/etc/init.d/${BAD_SHOWN}`, started_in: '2' }));
    const auto = await collectOnce(autostart, root);
    expect(auto.state.success).toBe(true);
    expect(auto.tables.autostart).toContainEqual(expect.objectContaining({ source: 'init_d', name: BAD_SHOWN }));
    expect(auto.tables.autostart).toContainEqual(expect.objectContaining({ source: 'rc', name: `rc2.d/S01${BAD_SHOWN}`, target: `../init.d/${BAD_SHOWN}`, target_exists: true }));
  });
});

describe('link targets that are not text', () => {
  it('processes shows the executable of a process started from such a name escaped', async () => {
    const root = tempDir('hb-names-proc-');
    mkdirSync(path.join(root, 'proc/4242/fd'), { recursive: true });
    writeFileSync(path.join(root, 'proc/4242/stat'), '4242 (evil) S 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0');
    writeFileSync(path.join(root, 'proc/4242/status'), 'Name:\tevil\nTgid:\t4242\nPid:\t4242\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n');
    symlinkSync(Buffer.concat([Buffer.from('/tmp/'), BAD]), Buffer.from(path.join(root, 'proc/4242/exe')));
    symlinkSync(Buffer.concat([Buffer.from('/var/log/'), BAD]), Buffer.from(path.join(root, 'proc/4242/fd/3')));
    const r = await collectOnce(processes, root);
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.processes).toContainEqual(expect.objectContaining({ pid: 4242, exe: `/tmp/${BAD_SHOWN}`, tmp_exec: true, fds_file: 1 }));
  });
});

describe('file integrity monitoring of names that are not text', () => {
  let fim: FimWatcher | null = null;
  afterEach(async () => {
    await fim?.stop();
    fim = null;
  });

  it('watches a directory with such a name and reports changes with the escaped path', async () => {
    const root = tempDir('hb-names-fim-');
    mkdirSync(local(root, 'etc'), { recursive: true });
    const events: SecurityEvent[] = [];
    const sink: EventSink = { emit: (_s, e) => events.push(e), dropped: () => {} };
    fim = await startFim({
      fs: new HostFs({ rootfs: root }),
      sink,
      log: memoryLogger(),
      clock: systemClock,
      paths: ['/etc'],
      include: [],
      exclude: [],
      debounceMs: 30,
      maxWatches: 100,
      hashMaxBytes: 1 << 20,
      rescanMs: 100,
    });
    expect(fim.watchCount).toBe(2); // /etc and the directory with the odd name
    writeFileSync(Buffer.concat([local(root, 'etc'), Buffer.from('/'), BAD]), 'dropped\n');
    const end = Date.now() + 5000;
    while (Date.now() < end && !events.some((e) => e.name === 'hostbaseline.file.created')) await new Promise((r) => setTimeout(r, 20));
    const created = events.find((e) => e.name === 'hostbaseline.file.created');
    expect(created?.attributes).toMatchObject({ 'file.path': `/etc/${BAD_SHOWN}/${BAD_SHOWN}`, 'file.name': BAD_SHOWN, 'file.size': 8 });
  });
});
