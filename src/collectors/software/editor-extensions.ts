import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { redactText } from '../../util/redact.js';
import { checkAborted } from './common.js';
import { homesOf, subdirs } from './homes.js';
import { readPackageJson } from './package-json.js';

/** Extension directories below a home, per editor. */
const EDITORS: { editor: string; dir: string }[] = [
  { editor: 'vscode', dir: '.vscode/extensions' },
  { editor: 'vscode-server', dir: '.vscode-server/extensions' },
  { editor: 'vscodium', dir: '.vscode-oss/extensions' },
  { editor: 'atom', dir: '.atom/packages' },
];

const KEY = ['editor', 'user', 'id', 'version'];

/**
 * VS Code leaves replaced versions on disk until its next start and lists them in
 * `.obsolete` ({"dir-name": true}); they are no longer loaded, so they are skipped.
 */
async function obsoleteDirs(ctx: CollectContext, dir: string): Promise<Set<string>> {
  const text = await ctx.fs.readTextIfExists(`${dir}/.obsolete`);
  if (text === null) return new Set();
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return new Set(Object.keys(doc));
  } catch {
    // fall through
  }
  ctx.parseError(`${dir}/.obsolete`, 'not a JSON object');
  return new Set();
}

export const editorExtensions = defineCollector({
  name: 'editor_extensions',
  area: 'software',
  description: 'Editor extensions per user: VS Code (~/.vscode, ~/.vscode-server, ~/.vscode-oss) and Atom (~/.atom/packages), from each package.json.',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 60 * SECOND,
  tables: [
    {
      name: 'editor_extensions',
      key: KEY,
      description: 'One row per installed extension: editor, user, id (publisher.name, or name for Atom), version.',
      drift: true,
    },
    { name: 'editor_extension_count', key: ['editor'], description: 'Installed extensions per editor, all users (exact, never capped).' },
  ],
  async collect(ctx) {
    const rows: FactRow[] = [];
    const counts = new Map<string, number>();
    for (const h of await homesOf(ctx)) {
      for (const { editor, dir: rel } of EDITORS) {
        checkAborted(ctx);
        const dir = `${h.home}/${rel}`;
        const names = await subdirs(ctx, dir);
        if (names.length === 0) continue;
        const obsolete = await obsoleteDirs(ctx, dir);
        for (const name of names) {
          if (name.startsWith('.') || obsolete.has(name)) continue;
          const p = await readPackageJson(ctx, `${dir}/${name}/package.json`);
          if (!p) continue;
          // VS Code identifies extensions as publisher.name, case-insensitively.
          const id = editor === 'atom' || !p.publisher ? p.name : `${p.publisher}.${p.name}`.toLowerCase();
          rows.push({
            editor,
            user: h.user,
            id: redactText(id),
            publisher: redactText(p.publisher),
            name: redactText(p.name),
            version: redactText(p.version),
            path: `${dir}/${name}`,
          });
          counts.set(editor, (counts.get(editor) ?? 0) + 1);
        }
      }
    }
    return [
      { name: 'editor_extensions', rows },
      { name: 'editor_extension_count', rows: [...counts].map(([editor, count]) => ({ editor, count })) },
    ];
  },
});
