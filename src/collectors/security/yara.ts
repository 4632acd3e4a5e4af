import type { FactRow } from '../types.js';
import { defineCollector, MINUTE } from '../types.js';
import { parseYaraOutput, toHostPath } from './yara.parse.js';

export const yara = defineCollector({
  name: 'yara',
  area: 'security',
  description: 'YARA rule matches on configured host paths, with the yara program when it is installed and rules are configured.',
  defaultEnabled: true,
  interval: 60 * MINUTE,
  timeout: 15 * MINUTE,
  tables: [
    { name: 'yara_matches', key: ['rule', 'path'], description: 'One row per (rule, file) match.', drift: true },
    { name: 'yara_match_counts', key: ['rule'], description: 'Matching files per rule.' },
  ],
  options: [
    { name: 'rules', type: 'string', default: '', help: 'A YARA rules file on the exporter side (source or compiled with yarac; compiled needs compiled_rules).' },
    { name: 'compiled_rules', type: 'bool', default: false, help: 'The rules file is compiled (yarac): passes -C.' },
    { name: 'paths', type: 'strings', default: [], help: 'Host paths scanned recursively.' },
    { name: 'scan_timeout', type: 'duration', default: 10 * MINUTE, help: 'Time limit of one yara run.' },
    { name: 'max_output_bytes', type: 'int', default: 16 * 1024 * 1024, help: 'Output of one yara run, at most.' },
  ],
  async collect(ctx) {
    const rules = ctx.options.rules as string;
    const paths = ctx.options.paths as string[];
    const empty = [
      { name: 'yara_matches', rows: [] },
      { name: 'yara_match_counts', rows: [] },
    ];
    if (!rules || paths.length === 0) return empty;
    // yara has no "--": an absolute path can never be taken for an option.
    if (!rules.startsWith('/')) throw new Error(`yara: rules "${rules}" must be an absolute path`);
    if (!(await ctx.commands.which('yara'))) {
      ctx.log.debug('yara is not installed: nothing scanned');
      return empty;
    }
    const matches = new Map<string, FactRow>();
    for (const hostPath of paths) {
      const real = await ctx.fs.realPath(hostPath);
      const canonical = await ctx.fs.canonical(hostPath);
      if (!(await ctx.fs.exists(canonical))) continue;
      const args = ['-r', '-w', ...(ctx.options.compiled_rules ? ['-C'] : []), rules, real];
      const res = await ctx.commands.run('yara', args, {
        timeoutMs: ctx.options.scan_timeout as number,
        maxOutputBytes: ctx.options.max_output_bytes as number,
        signal: ctx.signal,
      });
      // yara exits non-zero on unusable rules; unreadable files are only warnings on stderr.
      if (res.code !== 0) throw new Error(`yara ${hostPath}: exit code ${res.code}: ${res.stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}`);
      for (const m of parseYaraOutput(res.stdout, (l, r) => ctx.parseError(`yara output for ${hostPath}`, `line ${l}: ${r}`))) {
        const path = toHostPath(m.path, real, canonical);
        if (path === null) continue;
        matches.set(`${m.rule}\0${path}`, { rule: m.rule, path });
      }
    }
    const counts = new Map<string, number>();
    for (const m of matches.values()) counts.set(m.rule as string, (counts.get(m.rule as string) ?? 0) + 1);
    return [
      { name: 'yara_matches', rows: [...matches.values()] },
      { name: 'yara_match_counts', rows: [...counts].map(([rule, count]) => ({ rule, count })) },
    ];
  },
});
