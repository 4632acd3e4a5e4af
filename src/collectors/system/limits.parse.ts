import { contentLines } from './config-files.js';

type OnBad = (line: number, reason: string) => void;

/** Kernel names in /proc/<pid>/limits → the RLIMIT names of getrlimit(2) and limits.conf(5). */
export const RESOURCE_OF: Record<string, string> = {
  'Max cpu time': 'cpu',
  'Max file size': 'fsize',
  'Max data size': 'data',
  'Max stack size': 'stack',
  'Max core file size': 'core',
  'Max resident set': 'rss',
  'Max processes': 'nproc',
  'Max open files': 'nofile',
  'Max locked memory': 'memlock',
  'Max address space': 'as',
  'Max file locks': 'locks',
  'Max pending signals': 'sigpending',
  'Max msgqueue size': 'msgqueue',
  'Max nice priority': 'nice',
  'Max realtime priority': 'rtprio',
  'Max realtime timeout': 'rttime',
};

export interface ProcessLimit {
  resource: string;
  /** Infinity for "unlimited". */
  soft: number;
  hard: number;
  unit: string;
}

function limitValue(v: string): number {
  return v === 'unlimited' ? Infinity : Number(v);
}

/** Parses the table of /proc/<pid>/limits ("Limit  Soft Limit  Hard Limit  Units"). */
export function parseProcLimits(text: string, onBad?: OnBad): ProcessLimit[] {
  const lines = text.split('\n');
  if (!/^Limit\s+Soft Limit\s+Hard Limit/.test(lines[0] ?? '')) throw new Error('missing the "Limit Soft Limit Hard Limit Units" header');
  const out: ProcessLimit[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = /^(\S.*?)\s+(unlimited|\d+)\s+(unlimited|\d+)(?:\s+(\S+))?\s*$/.exec(line);
    if (!m) {
      onBad?.(i + 1, 'expected "name soft hard [units]"');
      continue;
    }
    const resource = RESOURCE_OF[m[1]!] ?? m[1]!.toLowerCase().replace(/^max /, '').replace(/[^a-z0-9]+/g, '_');
    out.push({ resource, soft: limitValue(m[2]!), hard: limitValue(m[3]!), unit: m[4] ?? '' });
  }
  return out;
}

/** Items limits.conf(5) knows; others are typos that pam_limits ignores with a log line. */
export const LIMIT_ITEMS = new Set([
  'core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins',
  'maxsyslogins', 'nonewprivs', 'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot',
]);

export interface ConfiguredLimit {
  domain: string;
  type: 'soft' | 'hard' | '-';
  item: string;
  value: string;
  /** Infinity for unlimited / infinity / -1; null for non-numeric values (chroot paths). */
  numeric: number | null;
  line: number;
}

/** Parses limits.conf(5): `<domain> <type> <item> <value>` lines, `#` comments. */
export function parseLimitsConf(text: string, onBad?: OnBad): ConfiguredLimit[] {
  const out: ConfiguredLimit[] = [];
  for (const { no, text: line } of contentLines(text)) {
    const f = line.replace(/\s+#.*$/, '').split(/\s+/);
    if (f.length !== 4) {
      onBad?.(no, `expected 4 fields, got ${f.length}`);
      continue;
    }
    const [domain, type, item, value] = f as [string, string, string, string];
    if (type !== 'soft' && type !== 'hard' && type !== '-') {
      onBad?.(no, `type must be soft, hard or -, got "${type}"`);
      continue;
    }
    if (!LIMIT_ITEMS.has(item)) {
      onBad?.(no, `unknown item "${item}"`);
      continue;
    }
    const unlimited = ['unlimited', 'infinity', '-1'].includes(value.toLowerCase());
    const numeric = unlimited ? Infinity : /^-?\d+$/.test(value) ? Number(value) : null;
    out.push({ domain, type, item, value, numeric, line: no });
  }
  return out;
}
