import * as path from 'node:path';
import type { CollectContext, FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { joinHost } from './common.js';
import { expandAlias, includedirWanted, parseSudoers, type AliasType, type SudoersItem } from './sudoers.parse.js';

/** sudo gives up after this many nested includes. */
const MAX_INCLUDE_DEPTH = 128;

interface LoadedItem {
  file: string;
  item: SudoersItem;
}

/** Reads a sudoers file and, in place, what it includes (relative paths from the including file's directory). */
async function load(ctx: CollectContext, file: string, stack: string[], out: LoadedItem[], files: Set<string>): Promise<void> {
  const text = await ctx.fs.readTextIfExists(file);
  if (text === null) {
    if (stack.length > 0) ctx.parseError(stack[stack.length - 1]!, `included file ${file} does not exist`);
    return;
  }
  files.add(file);
  const canonical = await ctx.fs.canonical(file);
  const chain = [...stack, canonical];
  for (const item of parseSudoers(text, (line, reason) => ctx.parseError(file, `line ${line}: ${reason}`))) {
    if (item.kind !== 'include') {
      out.push({ file, item });
      continue;
    }
    const target = path.posix.resolve(path.posix.dirname(file), item.path);
    const targets: string[] = [];
    if (item.dir) {
      for (const e of (await ctx.fs.readdirIfExists(target)) ?? []) {
        if ((e.type === 'file' || e.type === 'symlink') && includedirWanted(e.name)) targets.push(joinHost(target, e.name));
      }
    } else targets.push(target);
    for (const t of targets) {
      if (ctx.signal.aborted) return;
      const c = await ctx.fs.canonical(t);
      if (chain.includes(c)) {
        ctx.parseError(file, `line ${item.line}: include loop through ${t}`);
        continue;
      }
      if (chain.length >= MAX_INCLUDE_DEPTH) {
        ctx.parseError(file, `line ${item.line}: too many levels of includes`);
        continue;
      }
      await load(ctx, t, chain, out, files);
    }
  }
}

interface RuleAgg {
  file: string;
  principal: string;
  runas: string;
  nopasswd: boolean;
  all_commands: boolean;
  specs: Set<number>;
  commands: number;
}

export const sudoers = defineCollector({
  name: 'sudoers',
  area: 'users',
  description: 'sudo rights from /etc/sudoers and its includes: who may run what as whom, NOPASSWD, ALL, Defaults !authenticate.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    {
      name: 'sudo_rules',
      key: ['file', 'principal', 'runas', 'nopasswd', 'all_commands'],
      description: 'Grants per principal (user, %group, aliases expanded), run-as, and file.',
      drift: true,
    },
    { name: 'sudo_files', key: ['file'], description: 'The sudoers files read, includes followed.', drift: true },
    { name: 'sudo_summary', key: [], description: 'Counts of rules, NOPASSWD rules and disabled authentication.' },
  ],
  async collect(ctx) {
    const items: LoadedItem[] = [];
    const files = new Set<string>();
    await load(ctx, '/etc/sudoers', [], items, files);
    if (files.size === 0) {
      return [
        { name: 'sudo_rules', rows: [] },
        { name: 'sudo_files', rows: [] },
        { name: 'sudo_summary', rows: [] },
      ];
    }

    const aliases: Record<AliasType, Map<string, string[]>> = { User: new Map(), Runas: new Map(), Host: new Map(), Cmnd: new Map() };
    for (const { item } of items) if (item.kind === 'alias') aliases[item.type].set(item.name, item.members);

    // Defaults !authenticate: for everyone, or for the users it is bound to.
    let noAuthEveryone = false;
    const noAuthUsers = new Set<string>();
    let authenticateDisabled = 0;
    for (const { item } of items) {
      if (item.kind !== 'defaults' || !item.params.some((p) => p.replace(/\s+/g, '') === '!authenticate')) continue;
      authenticateDisabled++;
      if (item.binding === '') noAuthEveryone = true;
      else if (item.binding === ':') for (const u of expandAlias(item.target, aliases.User)) noAuthUsers.add(u);
    }

    const rules = new Map<string, RuleAgg>();
    const perFile = new Map<string, { rules: number; defaults: number; aliases: number }>();
    for (const f of files) perFile.set(f, { rules: 0, defaults: 0, aliases: 0 });
    for (const { file, item } of items) {
      const pf = perFile.get(file)!;
      if (item.kind === 'defaults') pf.defaults++;
      if (item.kind === 'alias') pf.aliases++;
      if (item.kind !== 'spec') continue;
      pf.rules++;
      for (const principal of expandAlias(item.users, aliases.User)) {
        if (principal.startsWith('!')) continue; // an exclusion grants nothing
        for (const g of item.grants) {
          const commands = expandAlias([g.command], aliases.Cmnd);
          const granted = commands.filter((c) => !c.startsWith('!'));
          if (granted.length === 0) continue;
          const allCommands = granted.some((c) => c === 'ALL');
          const nopasswd = g.nopasswd || noAuthEveryone || noAuthUsers.has(principal);
          const runas = expandAlias(g.runas.split(':')[0]!.split(','), aliases.Runas).join(',') + (g.runas.includes(':') ? ':' + g.runas.split(':')[1] : '');
          const k = [file, principal, runas, nopasswd, allCommands].join('\0');
          const agg = rules.get(k) ?? { file, principal, runas, nopasswd, all_commands: allCommands, specs: new Set<number>(), commands: 0 };
          agg.specs.add(item.line);
          agg.commands += granted.length;
          rules.set(k, agg);
        }
      }
    }
    const ruleRows: FactRow[] = [...rules.values()].map(({ specs, ...r }) => ({ ...r, specs: specs.size }));
    return [
      { name: 'sudo_rules', rows: ruleRows },
      { name: 'sudo_files', rows: [...perFile].map(([file, c]) => ({ file, ...c })) },
      {
        name: 'sudo_summary',
        rows: [
          {
            files: files.size,
            rules: ruleRows.length,
            nopasswd_rules: ruleRows.filter((r) => r.nopasswd).length,
            all_commands_rules: ruleRows.filter((r) => r.all_commands).length,
            authenticate_disabled: authenticateDisabled,
          },
        ],
      },
    ];
  },
});
