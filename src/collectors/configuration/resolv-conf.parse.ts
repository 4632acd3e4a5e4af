import { contentLines } from './common.js';
import { isIpAddress } from './etc-hosts.parse.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  domain: string;
  options: string[];
}

/** Parses resolv.conf(5). The last `search`/`domain` line wins, as in glibc; `;` starts a comment too. */
export function parseResolvConf(text: string, onBad?: (line: number, reason: string) => void): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], domain: '', options: [] };
  for (const { line, text: t } of contentLines(text, /[#;].*$/)) {
    const [kw, ...args] = t.split(/\s+/);
    switch (kw) {
      case 'nameserver':
        if (args.length !== 1 || !isIpAddress(args[0]!)) onBad?.(line, 'nameserver needs one IP address');
        else conf.nameservers.push(args[0]!);
        break;
      case 'search':
        conf.search = args;
        conf.domain = '';
        break;
      case 'domain':
        conf.domain = args[0] ?? '';
        conf.search = [];
        break;
      case 'options':
        conf.options.push(...args);
        break;
      case 'sortlist':
        break;
      default:
        onBad?.(line, `unknown keyword "${(kw ?? '').slice(0, 30)}"`);
    }
  }
  return conf;
}
