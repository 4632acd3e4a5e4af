/** Firewall rule sets: iptables-save text and `nft -j list ruleset` JSON (pure). */

export interface ChainFacts {
  family: string;
  table: string;
  chain: string;
  /** Policy of a built-in/base chain (ACCEPT, DROP…), '' for a user chain. */
  policy: string;
  /** Netfilter hook of an nftables base chain, '' otherwise. */
  hook: string;
  rules: number;
}

/** iptables-save / ip6tables-save output: "*table", ":CHAIN POLICY [p:b]", "-A CHAIN …", "COMMIT". */
export function parseIptablesSave(text: string, family: string, onBad?: (line: number, reason: string) => void): ChainFacts[] {
  const chains = new Map<string, ChainFacts>();
  let table: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    if (line === 'COMMIT') {
      table = null;
      continue;
    }
    if (table === null) {
      onBad?.(i + 1, 'outside a *table section');
      continue;
    }
    let m = /^:(\S+) (\S+)/.exec(line);
    if (m) {
      chains.set(`${table} ${m[1]}`, { family, table, chain: m[1]!, policy: m[2] === '-' ? '' : m[2]!, hook: '', rules: 0 });
      continue;
    }
    m = /^-A (\S+)/.exec(line);
    if (m) {
      const c = chains.get(`${table} ${m[1]}`);
      if (c) c.rules++;
      else onBad?.(i + 1, `rule of an undeclared chain ${m[1]}`);
      continue;
    }
    onBad?.(i + 1, 'not an iptables-save line');
  }
  return [...chains.values()];
}

/** `nft -j list ruleset`: {"nftables": [{metainfo}, {table}, {chain}, {rule}, {set}…]}. */
export function parseNftRuleset(json: string): ChainFacts[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new Error(`nft -j list ruleset: not JSON (${(err as Error).message})`);
  }
  const items = (doc as { nftables?: unknown })?.nftables;
  if (!Array.isArray(items)) throw new Error('nft -j list ruleset: no "nftables" array');
  const chains = new Map<string, ChainFacts>();
  const key = (f: unknown, t: unknown, c: unknown) => `${String(f)} ${String(t)} ${String(c)}`;
  for (const item of items) {
    const chain = (item as { chain?: Record<string, unknown> })?.chain;
    if (chain && typeof chain.name === 'string') {
      chains.set(key(chain.family, chain.table, chain.name), {
        family: String(chain.family ?? ''),
        table: String(chain.table ?? ''),
        chain: chain.name,
        policy: typeof chain.policy === 'string' ? chain.policy.toUpperCase() : '',
        hook: typeof chain.hook === 'string' ? chain.hook : '',
        rules: 0,
      });
    }
  }
  for (const item of items) {
    const rule = (item as { rule?: Record<string, unknown> })?.rule;
    if (!rule) continue;
    const c = chains.get(key(rule.family, rule.table, rule.chain));
    if (c) c.rules++;
  }
  return [...chains.values()];
}
