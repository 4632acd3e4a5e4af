import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLines } from '../../../src/collectors/users/common.js';
import { shellHistory } from '../../../src/collectors/users/shell-history.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './fixtures.js';

describe('shell_history', () => {
  it('counts lines with or without a final newline', () => {
    expect(countLines(Buffer.from(''))).toBe(0);
    expect(countLines(Buffer.from('a\nb\n'))).toBe(2);
    expect(countLines(Buffer.from('a\nb'))).toBe(2);
    expect(countLines(Buffer.from('\u0000\xff\n'))).toBe(1);
  });

  it('host-a: files per user, /dev/null links, no contents', async () => {
    const r = await collectOnce(shellHistory, fixturePath('host-a'));
    expect(r.state.success).toBe(true);
    expect(r.tables.shell_history!.map((h) => `${h.user} ${h.file} ${h.lines} ${h.to_dev_null}`)).toEqual([
      'alice /home/alice/.bash_history 10 false',
      'alice /home/alice/.python_history 3 false',
      'bob /home/bob/.bash_sessions/6F3A1C2B-1D4E-4F5A-9B8C-0E1D2C3B4A59.history 2 false',
      'bob /home/bob/.zsh_history 4 false',
      'root /root/.bash_history 0 true',
    ]);
    const out = JSON.stringify(r.tables) + r.samples;
    for (const secret of ['AWS_SECRET', 'Zk3pQ8vR2mT7', 'Sup3rS3cret', 'fixture-bearer-token', 'git pull']) expect(out).not.toContain(secret);
  });

  it('oversized history fails naming the file; a directory or FIFO in its place is skipped; none at all is zero rows', async () => {
    const root = hostWith({ '/etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/bash\n', '/home/alice/.bash_history': 'x\n'.repeat(5000) });
    const big = await collectOnce(shellHistory, root, { maxFileBytes: 4096 });
    expect(big.state.success).toBe(false);
    expect(big.state.lastError).toMatch(/\/home\/alice\/\.bash_history: file too large/);

    const odd = hostWith({ '/etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/bash\n' });
    mkdirSync(path.join(odd, 'home/alice/.zsh_history'), { recursive: true });
    symlinkSync('.sh_history', path.join(odd, 'home/alice/.sh_history')); // a link to itself
    const r = await collectOnce(shellHistory, odd);
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('/home/alice/.sh_history');

    const none = await collectOnce(shellHistory, hostWith({}));
    expect(none.state.success).toBe(true);
    expect(none.tables.shell_history).toEqual([]);
  });
});
