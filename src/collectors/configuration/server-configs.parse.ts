import { iniBool, parseIni } from '../ini.parse.js';
import { contentLines } from './common.js';

/**
 * Risk finders of server config files. Each returns setting names only ("requirepass missing",
 * "bind-address all interfaces"), never a value from the file: passwords stay home.
 */
type OnBad = (line: number, reason: string) => void;

const ALL_INTERFACES = new Set(['0.0.0.0', '*', '::', '[::]', '::0']);

/** redis.conf: `directive arg…` lines. */
export function redisRisks(text: string): string[] {
  const out: string[] = [];
  const directives = contentLines(text).map((l) => l.text.split(/\s+/));
  const get = (name: string) => directives.filter((d) => d[0]!.toLowerCase() === name);
  const hasAcl = get('aclfile').length > 0 || get('user').some((d) => d.some((w) => w.startsWith('>') || w.startsWith('#')) && !d.includes('nopass'));
  if (get('requirepass').length === 0 && !hasAcl) out.push('requirepass missing');
  const binds = get('bind');
  if (binds.length === 0) out.push('bind missing (all interfaces)');
  else if (binds.some((d) => d.slice(1).some((a) => ALL_INTERFACES.has(a.replace(/^-/, ''))))) out.push('bind all interfaces');
  if (get('protected-mode').some((d) => (d[1] ?? '').toLowerCase() === 'no')) out.push('protected-mode no');
  return out;
}

/** postgresql.conf: `key = value` (quotes optional). */
export function postgresConfRisks(text: string): string[] {
  const out: string[] = [];
  for (const { text: t } of contentLines(text)) {
    const m = /^([a-z_]+)\s*=?\s*'?([^']*)'?/.exec(t);
    if (!m) continue;
    if (m[1] === 'listen_addresses' && m[2]!.split(',').some((a) => ALL_INTERFACES.has(a.trim()))) out.push('listen_addresses all interfaces');
    if (m[1] === 'ssl' && iniBool(m[2]) === false) out.push('ssl off');
    if (m[1] === 'password_encryption' && m[2]!.trim().toLowerCase() === 'md5') out.push('password_encryption md5');
  }
  return out;
}

/** pg_hba.conf: `type database user [address] method [options]`; `trust` and plain `password` are flagged. */
export function pgHbaRisks(text: string, onBad?: OnBad): string[] {
  const out: string[] = [];
  for (const { line, text: t } of contentLines(text)) {
    const f = t.split(/\s+/);
    const type = f[0]!;
    if (type.startsWith('include')) continue;
    const local = type === 'local';
    const method = f[local ? 3 : 4];
    if (!/^(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)$/.test(type) || !method) {
      onBad?.(line, 'expected "type database user [address] method"');
      continue;
    }
    const where = local ? `${type} ${f[1]} ${f[2]}` : `${type} ${f[1]} ${f[2]} ${f[3]}`;
    if (method === 'trust') out.push(`pg_hba trust ${where}`);
    else if (method === 'password') out.push(`pg_hba password (clear text) ${where}`);
  }
  return out;
}

/** my.cnf: server sections only ([mysqld], [mariadb], [server], [mysqld-8.0]…); keys with "_" or "-". */
export function mysqlRisks(text: string, onBad?: OnBad): string[] {
  const out: string[] = [];
  const cleaned = text
    .split('\n')
    .map((l) => (/^\s*!include/.test(l) ? '' : l))
    .join('\n');
  for (const s of parseIni(cleaned, onBad, { bareKeys: true })) {
    if (!/^(mysqld(-[\d.]+)?|mariadb(-[\d.]+)?|mariadbd|server|mysqld_safe)$/.test(s.name)) continue;
    for (const [rawKey, value] of s.values) {
      const key = rawKey.replace(/_/g, '-').replace(/^loose-/, '');
      const v = value.replace(/^["']|["']$/g, '');
      if (key === 'bind-address' && v.split(',').some((a) => ALL_INTERFACES.has(a.trim()))) out.push('bind-address all interfaces');
      if (key === 'skip-grant-tables' && (v === '' || iniBool(v) !== false)) out.push('skip-grant-tables');
      if ((key === 'local-infile' || key === 'enable-local-infile') && (v === '' || iniBool(v) === true)) out.push('local-infile enabled');
      if (key === 'secure-file-priv' && v === '') out.push('secure-file-priv empty');
    }
  }
  return out;
}

/** The `!include file` and `!includedir dir` directives of a my.cnf. */
export function mysqlIncludes(text: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const l of text.split('\n')) {
    const m = /^\s*!(include|includedir)\s+(\S+)/.exec(l);
    if (m) (m[1] === 'include' ? files : dirs).push(m[2]!);
  }
  return { files, dirs };
}

/** nginx: directives end in ";" and may share a line with braces. */
function nginxDirectives(text: string): string[][] {
  const body = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join(' ');
  return body
    .split(/[;{}]/)
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0] !== '');
}

const OLD_TLS = /^(SSLv2|SSLv3|TLSv1|TLSv1\.1)$/;

export function nginxRisks(text: string): string[] {
  const out: string[] = [];
  for (const d of nginxDirectives(text)) {
    const [name, ...args] = d;
    if (name === 'server_tokens' && args[0] === 'on') out.push('server_tokens on');
    if (name === 'autoindex' && args[0] === 'on') out.push('autoindex on');
    if (name === 'ssl_protocols') for (const p of args.filter((a) => OLD_TLS.test(a))) out.push(`ssl_protocols ${p}`);
  }
  return out;
}

/** Apache httpd: one directive per line, case-insensitive names, `\` continuations joined. */
export function apacheRisks(text: string): string[] {
  const out: string[] = [];
  const joined = text.replace(/\\\n/g, ' ');
  for (const { text: t } of contentLines(joined)) {
    const [name, ...args] = t.split(/\s+/);
    const n = (name ?? '').toLowerCase();
    if (n === 'servertokens' && /^full$/i.test(args[0] ?? '')) out.push('ServerTokens Full');
    if (n === 'serversignature' && /^on$/i.test(args[0] ?? '')) out.push('ServerSignature On');
    if (n === 'traceenable' && /^on$/i.test(args[0] ?? '')) out.push('TraceEnable On');
    if (n === 'options' && args.some((a) => /^\+?indexes$/i.test(a))) out.push('Options Indexes');
    if (n === 'sslprotocol') {
      // "all" alone includes TLSv1 and TLSv1.1 on OpenSSL builds that still offer them.
      const explicit = args.filter((a) => /^\+?(SSLv3|TLSv1|TLSv1\.1)$/i.test(a)).map((a) => a.replace(/^\+/, ''));
      for (const p of explicit) out.push(`SSLProtocol ${p}`);
      if (args.map((a) => a.toLowerCase()).join(' ') === 'all') out.push('SSLProtocol all');
    }
  }
  return out;
}

/** rabbitmq.conf (sysctl-like `key = value`). */
export function rabbitmqRisks(text: string): string[] {
  const out: string[] = [];
  const kv = new Map<string, string>();
  for (const { text: t } of contentLines(text)) {
    const m = /^([A-Za-z0-9_.$-]+)\s*=\s*(.*)$/.exec(t);
    if (m) kv.set(m[1]!, m[2]!.trim());
  }
  const loopbackOff = kv.get('loopback_users') === 'none' || kv.get('loopback_users.guest') === 'false';
  if (loopbackOff) out.push('loopback_users none');
  const user = kv.get('default_user');
  if (loopbackOff && (user === undefined || user === 'guest')) out.push('guest user reachable remotely');
  return out;
}
