import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { fileRow, fileTable, listFiles, readFileFacts, riskRows, riskTable, uniqueBy, type Risk } from './common.js';
import { parseAccessConf, parsePwquality } from './security-config.parse.js';

const DIR = '/etc/security';
/** limits.conf and limits.d belong to the system area's limits collector. */
const SKIP = new Set(['limits.conf', 'limits.d', 'opasswd']);

export const securityConfig = defineCollector({
  name: 'security_config',
  area: 'configuration',
  description: 'PAM module configuration in /etc/security: file hashes, access.conf rules, pwquality settings.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    fileTable('security_files', '*.conf files of /etc/security and its *.d directories (limits excluded)'),
    { name: 'security_access_rules', key: ['permission', 'users', 'origins'], description: 'Rules of /etc/security/access.conf.', drift: true },
    { name: 'pwquality', key: ['setting'], description: 'Effective pwquality.conf settings (pwquality.conf.d files override).', drift: true },
    riskTable('security_risks', '/etc/security (short minimum password length)'),
  ],
  async collect(ctx) {
    const paths: string[] = [];
    for (const e of (await ctx.fs.readdirIfExists(DIR)) ?? []) {
      if (SKIP.has(e.name) || e.name.startsWith('.')) continue;
      if (e.type === 'dir' && e.name.endsWith('.d')) paths.push(...(await listFiles(ctx.fs, `${DIR}/${e.name}`, (n) => n.endsWith('.conf'))));
      else if (e.name.endsWith('.conf')) paths.push(...(await listFiles(ctx.fs, DIR, (n) => n === e.name)));
    }
    const files: FactRow[] = [];
    const rules: FactRow[] = [];
    const pwq = new Map<string, string>();
    for (const path of paths) {
      const f = await readFileFacts(ctx.fs, path);
      if (!f) continue;
      files.push(fileRow(f));
      const onBad = (line: number, reason: string) => ctx.parseError(path, `line ${line}: ${reason}`);
      if (path === `${DIR}/access.conf`) rules.push(...parseAccessConf(f.text, onBad).map((r) => ({ ...r })));
      if (path === `${DIR}/pwquality.conf` || path.startsWith(`${DIR}/pwquality.conf.d/`))
        for (const [k, v] of parsePwquality(f.text, onBad)) pwq.set(k, v);
    }
    // Main file first, drop-ins after, so drop-ins win: the order `paths` already has.
    const risks: Risk[] = [];
    const minlen = Number(pwq.get('minlen'));
    if (pwq.has('minlen') && Number.isFinite(minlen) && minlen < 8) risks.push({ server: 'pwquality', path: `${DIR}/pwquality.conf`, setting: 'minlen below 8' });
    return [
      { name: 'security_files', rows: files },
      { name: 'security_access_rules', rows: uniqueBy(rules, ['permission', 'users', 'origins']) },
      { name: 'pwquality', rows: [...pwq].map(([setting, value]) => ({ setting, value, numeric: /^-?\d+$/.test(value) ? Number(value) : null })) },
      { name: 'security_risks', rows: riskRows(risks) },
    ];
  },
});
