/** resolv.conf(5) and the hosts line of nsswitch.conf(5), network view (pure). */
import { isIP } from 'node:net';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string, onBad?: (line: number, reason: string) => void): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/[#;].*$/, '').trim();
    const [key, ...args] = line.split(/\s+/);
    // The resolver only takes addresses; a scoped IPv6 (fe80::1%eth0) is one too.
    if (key === 'nameserver' && args[0] && isIP(args[0].replace(/%.*$/, ''))) out.nameservers.push(args[0]);
    else if (key === 'nameserver') onBad?.(i + 1, 'nameserver is not an IP address');
    else if (key === 'search' || key === 'domain') out.search = args; // the last of search/domain wins
    else if (key === 'options') out.options.push(...args);
  }
  return out;
}

/** Sources of the "hosts:" database, e.g. ["files", "mdns4_minimal", "[NOTFOUND=return]", "dns"]. */
export function parseNsswitchHosts(text: string): string[] | null {
  for (const raw of text.split('\n')) {
    const m = /^\s*hosts\s*:\s*(.*)$/.exec(raw.replace(/#.*$/, ''));
    if (m) return m[1]!.trim().split(/\s+/).filter(Boolean);
  }
  return null;
}

/** systemd-resolved's stub listeners. */
export function isResolvedStub(ns: string): boolean {
  return ns === '127.0.0.53' || ns === '127.0.0.54';
}
