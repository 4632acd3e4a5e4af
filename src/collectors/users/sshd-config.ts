import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { firstTopLevel, loadSshConfig } from './ssh-common.js';
import { normalizeValue, SSHD_SETTINGS } from './sshd-settings.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';

export const sshdConfig = defineCollector({
  name: 'sshd_config',
  area: 'users',
  description: 'Effective top-level sshd settings from /etc/ssh/sshd_config and its Includes, with OpenSSH defaults and risky values flagged.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'sshd_settings', key: ['option'], description: 'One row per tracked keyword: effective value (first one wins), default or not, risky or not.', drift: true },
    { name: 'sshd_config_summary', key: [], description: 'Files read and Match blocks (whose settings override these for some connections).' },
  ],
  async collect(ctx) {
    const loaded = await loadSshConfig(ctx, SSHD_CONFIG, '/etc/ssh', ['match'], (f, reason) => ctx.parseError(f, reason));
    if (!loaded) return [{ name: 'sshd_settings', rows: [] }, { name: 'sshd_config_summary', rows: [] }];
    const top = firstTopLevel(loaded.lines);
    const rows: FactRow[] = SSHD_SETTINGS.map((s) => {
      // The first of the keyword or its aliases, in file order, wins.
      const hits = [s.name, ...(s.aliases ?? [])].map((k) => top.get(k.toLowerCase())).filter((l) => l !== undefined);
      const hit = hits.sort((a, b) => loaded.lines.indexOf(a) - loaded.lines.indexOf(b))[0];
      const value = hit ? normalizeValue(s, hit.args) : s.default;
      return {
        option: s.name,
        value,
        is_default: hit === undefined,
        risky: s.risky?.(value) ?? false,
        file: hit?.file ?? '',
        overridden_in_match: loaded.lines.some((l) => l.block !== null && [s.name, ...(s.aliases ?? [])].some((k) => k.toLowerCase() === l.keyword)),
      };
    });
    return [
      { name: 'sshd_settings', rows },
      {
        name: 'sshd_config_summary',
        rows: [{ files: loaded.files.length, match_blocks: loaded.blocks, risky_settings: rows.filter((r) => r.risky).length }],
      },
    ];
  },
});
