import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initScripts } from '../../../src/collectors/services/init-scripts.js';
import { parseLsbHeader, parseRcLink } from '../../../src/collectors/services/init-scripts.parse.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

describe('LSB header', () => {
  it('reads Provides, Default-Start/Stop and the description', () => {
    const h = parseLsbHeader('#!/bin/sh\n### BEGIN INIT INFO\n# Provides: a b\n# Default-Start:\t2 3\n# Default-Stop:\n# Short-Description: Thing\n### END INIT INFO\n');
    expect(h).toEqual({ provides: ['a', 'b'], requiredStart: [], defaultStart: ['2', '3'], defaultStop: [], shortDescription: 'Thing' });
  });
  it('no header or an unterminated header is null', () => {
    expect(parseLsbHeader('#!/bin/sh\necho\n')).toBeNull();
    expect(parseLsbHeader('### BEGIN INIT INFO\n# Provides: x\n')).toBeNull();
  });
  it('rc links', () => {
    expect(parseRcLink('S01ssh')).toEqual({ start: true, script: 'ssh' });
    expect(parseRcLink('K01cron')).toEqual({ start: false, script: 'cron' });
    expect(parseRcLink('README')).toBeNull();
  });
});

describe('init_scripts collector', () => {
  it('host-a: scripts, headers, runlevels', async () => {
    const r = await collectOnce(initScripts, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    expect(r.tables.init_scripts!.map((s) => [s.name, s.lsb_header, s.provides, s.default_start, s.started_in])).toEqual([
      ['cron', true, 'cron', '2 3 4 5', '2'],
      ['miner', false, '', '', '2'],
      ['ssh', true, 'sshd', '2 3 4 5', '2 3'],
    ]);
    expect(r.tables.init_script_summary).toEqual([{ scripts: 3, without_lsb_header: 1, started: 3 }]);
  });
  it('a FIFO in /etc/init.d is never opened; empty host succeeds', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'etc/init.d'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'etc/init.d/fifo')]);
    writeFileSync(path.join(root, 'etc/init.d/x'), '#!/bin/sh\n');
    const r = await collectOnce(initScripts, root);
    expect(r.state.success).toBe(true);
    expect(r.tables.init_scripts!.map((s) => s.name)).toEqual(['x']);
    expect((await collectOnce(initScripts, fixturePath('host-empty'))).state.success).toBe(true);
  });
});
