import { defineCollector, MINUTE, SECOND, type CollectContext } from '../types.js';
import { badLineReporter } from './common.js';
import { parseIptablesSave, parseNftRuleset, type ChainFacts } from './firewall.parse.js';

/**
 * The rule-set dumps this collector runs. They read the kernel of the network
 * namespace the exporter runs in, so on a container it must share the host's
 * network namespace. With iptables-nft, rules made by iptables show in both the
 * iptables and the nftables view: each source is reported on its own.
 */
const SOURCES = [
  { source: 'iptables', program: 'iptables-save', args: [] as string[], family: 'ipv4' },
  { source: 'ip6tables', program: 'ip6tables-save', args: [] as string[], family: 'ipv6' },
  { source: 'nftables', program: 'nft', args: ['-j', 'list', 'ruleset'], family: '' },
] as const;

async function dump(ctx: CollectContext, program: string, args: readonly string[]): Promise<string | null> {
  if ((await ctx.commands.which(program)) === null) return null; // not installed: nothing to report
  const r = await ctx.commands.run(program, [...args], { timeoutMs: 15 * SECOND, signal: ctx.signal });
  if (r.code !== 0) throw new Error(`${[program, ...args].join(' ')}: exit ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
  return r.stdout;
}

export const firewall = defineCollector({
  name: 'firewall',
  area: 'network',
  description: 'Firewall rule sets from iptables-save, ip6tables-save and `nft -j list ruleset` when installed: rules per chain, default policies.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 30 * SECOND,
  tables: [
    { name: 'firewall_chains', key: ['source', 'family', 'table', 'chain'], description: 'One row per chain.', drift: true },
    { name: 'firewall_summary', key: ['source'], description: 'Tables, chains and rules per source.' },
  ],
  async collect(ctx) {
    const chains: (ChainFacts & { source: string })[] = [];
    const summary = [];
    for (const s of SOURCES) {
      const out = await dump(ctx, s.program, s.args);
      if (out === null) continue;
      const found =
        s.source === 'nftables' ? parseNftRuleset(out) : parseIptablesSave(out, s.family, badLineReporter(ctx.parseError, s.program));
      chains.push(...found.map((c) => ({ source: s.source, ...c })));
      summary.push({
        source: s.source,
        tables: new Set(found.map((c) => `${c.family} ${c.table}`)).size,
        chains: found.length,
        rules: found.reduce((n, c) => n + c.rules, 0),
      });
    }
    return [
      { name: 'firewall_chains', rows: chains.map((c) => ({ ...c })) },
      { name: 'firewall_summary', rows: summary },
    ];
  },
});
