import { describe, expect, it } from 'vitest';
import { portage } from '../../../src/collectors/software/portage.js';
import { countEntries, parseWorld, splitPf } from '../../../src/collectors/software/portage.parse.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

describe('portage parsers', () => {
  it('splits PF into name and version', () => {
    expect(splitPf('openssl-3.0.13-r1')).toEqual({ pn: 'openssl', pvr: '3.0.13-r1' });
    expect(splitPf('python-3.12.2_p1')).toEqual({ pn: 'python', pvr: '3.12.2_p1' });
    expect(splitPf('font-adobe-100dpi-1.0.4')).toEqual({ pn: 'font-adobe-100dpi', pvr: '1.0.4' });
    expect(splitPf('vim-9.1.0016_rc2_p3b')).toBeNull();
    expect(splitPf('garbage')).toBeNull();
    expect(splitPf('')).toBeNull();
  });

  it('reads world atoms and counts entries', () => {
    expect([...parseWorld('# c\napp-editors/vim\ndev-lang/python:3.12\n\n')]).toEqual(['app-editors/vim', 'dev-lang/python']);
    expect(countEntries('# c\n\na\n  b  \n#d\n')).toBe(2);
  });
});

describe('portage collector', () => {
  it('reads the fixture host', async () => {
    const { state, tables } = await collectOnce(portage, fixturePath('host-a'));
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => `${r.name} ${r.version} ${r.slot} ${r.repository} ${r.selected}`)).toEqual([
      'app-editors/vim 9.1.0016 0 gentoo true',
      'dev-lang/python 3.12.2_p1 3.12 gentoo true',
      'dev-libs/openssl 3.0.13-r1 0/3 gentoo false',
      'sys-apps/portage 3.0.63 0 gentoo false',
    ]);
    expect(tables.portage_entries).toEqual([
      { source: 'package.accept_keywords', files: 1, entries: 1 },
      { source: 'package.mask', files: 1, entries: 1 },
      { source: 'package.use', files: 2, entries: 3 },
      { source: 'world', files: 1, entries: 3 },
    ]);
  });

  it('skips a package directory whose PF has no version; empty host has zero rows', async () => {
    const root = hostWith({ '/var/db/pkg/dev-libs/junk/PF': '\u0000\u0001', '/var/db/pkg/dev-libs/zlib-1.3/SLOT': '0\n' });
    const { state, tables } = await collectOnce(portage, root);
    expect(state.success).toBe(true);
    expect(tables.packages!.map((r) => `${r.name} ${r.version}`)).toEqual(['dev-libs/zlib 1.3']);
    expect(state.parseErrorsTotal).toBe(1);
    const empty = await collectOnce(portage, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(empty.tables.portage_entries).toEqual([]);
  });

  it('fails naming an oversized world file', async () => {
    const root = hostWith({ '/var/lib/portage/world': 'app-misc/x\n'.repeat(500) });
    expect((await collectOnce(portage, root, { maxFileBytes: 100 })).state.lastError).toMatch(/^\/var\/lib\/portage\/world: file too large/);
  });
});
