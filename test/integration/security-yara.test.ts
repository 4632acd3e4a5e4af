import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { yara } from '../../src/collectors/security/yara.js';
import { createCommandRunner } from '../../src/host/commands.js';
import { collectOnce, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';


describe.skipIf(!hasProgram('yara'))('yara collector with the real yara', () => {
  it('reports (rule, host path) matches of a tiny rule', async () => {
    const work = tempDir();
    const rules = path.join(work, 'rules.yar');
    writeFileSync(rules, 'rule Miner { strings: $a = "stratum+tcp://" condition: $a }\nrule Never { strings: $a = "zz-never-zz-9" condition: $a }\n');
    const root = tempDir();
    mkdirSync(path.join(root, 'opt/app/sub'), { recursive: true });
    writeFileSync(path.join(root, 'opt/app/run.sh'), '#!/bin/sh\n./xmr -o stratum+tcp://pool.example:3333\n');
    writeFileSync(path.join(root, 'opt/app/sub/config.json'), '{"pool":"stratum+tcp://x"}');
    writeFileSync(path.join(root, 'opt/app/clean.txt'), 'nothing here');
    execFileSync('mkfifo', [path.join(root, 'opt/app/fifo')]);
    const r = await collectOnce(yara, root, { commands: createCommandRunner(), options: { rules, paths: ['/opt/app'] } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.yara_matches).toEqual([
      { rule: 'Miner', path: '/opt/app/run.sh' },
      { rule: 'Miner', path: '/opt/app/sub/config.json' },
    ]);
    expect(r.samples).toContain('hostbaseline_yara_matches{rule="Miner"} 2');
  });
  it('a rules file with a syntax error fails the collector', async () => {
    const work = tempDir();
    const rules = path.join(work, 'bad.yar');
    writeFileSync(rules, 'rule { broken');
    const root = tempDir();
    mkdirSync(path.join(root, 'opt'));
    const r = await collectOnce(yara, root, { commands: createCommandRunner(), options: { rules, paths: ['/opt'] } });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(/yara \/opt/);
  });
});
