import { describe, expect, it } from 'vitest';
import { editorExtensions } from '../../../src/collectors/software/editor-extensions.js';
import { collectOnce, fixturePath } from '../../helpers.js';
import { hostWith } from './host.js';

describe('editor_extensions collector', () => {
  it('reads VS Code, VS Code server and Atom extensions of the fixture host, skipping obsolete versions', async () => {
    const { state, tables, samples } = await collectOnce(editorExtensions, fixturePath('host-a'));
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(state.parseErrorsTotal).toBe(1); // bob's half-installed extension has no package.json
    expect(tables.editor_extensions!.map((r) => `${r.editor} ${r.user} ${r.id} ${r.version}`)).toEqual([
      'atom bob minimap 4.40.0',
      'vscode alice esbenp.prettier-vscode 10.1.0',
      'vscode alice ms-python.python 2024.2.1',
      'vscode-server bob ms-vscode-remote.remote-ssh-edit 0.86.0',
    ]);
    expect(tables.editor_extension_count).toEqual([
      { editor: 'atom', count: 1 },
      { editor: 'vscode', count: 2 },
      { editor: 'vscode-server', count: 1 },
    ]);
    expect(samples).toContain('hostbaseline_editor_extension_info{editor="vscode",user="alice",id="ms-python.python",version="2024.2.1"} 1\n');
  });

  it('skips and counts malformed package.json and .obsolete; empty host has zero rows', async () => {
    const root = hostWith({
      '/home/dana/.vscode/extensions/a.ok-1.0.0/package.json': '{"name":"ok","publisher":"A","version":"1.0.0"}',
      '/home/dana/.vscode/extensions/b.cut-1.0.0/package.json': '{"name":"cut","publ',
      '/home/dana/.vscode/extensions/c.junk-1.0.0/package.json': Buffer.from([0, 1, 2, 0xff]),
      '/home/dana/.vscode/extensions/.obsolete': 'garbage',
    });
    const { state, tables } = await collectOnce(editorExtensions, root);
    expect(state.success).toBe(true);
    expect(tables.editor_extensions!.map((r) => r.id)).toEqual(['a.ok']);
    expect(state.parseErrorsTotal).toBe(3);
    const empty = await collectOnce(editorExtensions, fixturePath('host-empty'));
    expect(empty.state.success).toBe(true);
    expect(empty.tables.editor_extensions).toEqual([]);
  });
});
