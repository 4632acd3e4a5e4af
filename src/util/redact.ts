/**
 * The one place that decides what in a command line, URL, environment entry or log text is a
 * credential. Pure functions, no I/O. A redacted value becomes REDACTED; the option, variable,
 * header or user name in front of it stays, so the line stays readable.
 *
 * What counts as a secret (README, "Nothing secret leaves the host"):
 * - values of secret-named options, assignments, query parameters and headers;
 * - tools' own conventions (`mysql -p<pw>`, `sshpass -p`, `redis-cli -a`, `curl -u user:pw`, …);
 * - URL user info (the password, or a user part that is not a plain user name);
 * - known token formats (GitHub, GitLab, Slack, AWS, Google, Stripe, JWT, npm, private keys, …);
 * - long high-entropy tokens of mixed letters and digits. Pure hex (hashes, commit, container and
 *   key ids, UUIDs) and absolute paths are facts and stay, unless a secret name sits in front.
 */
import { basename } from 'node:path/posix';

export const REDACTED = '<redacted>';

/**
 * Callers that show only the start of a long argument may cut it to this many characters before
 * redacting (the rules are linear, but 8 MB command lines exist); the cut is far beyond what is shown.
 */
export const REDACT_INPUT_CAP = 8192;

// ---------------------------------------------------------------------------------------------
// Names

/** Words that make a name secret (the name is split on punctuation and camelCase). */
const SECRET_WORD = /^(?:\w*pass(?:wd|word|phrase)?|passin|passout|\w*pwd|pw|psk|\w*secrets?|\w*tokens?|\w*apikey|apikeys?|\w*credentials?|creds?|auth|\w*authkey|authorization|cookies?|sig|signature|\w*privatekey|\w*accesskey|\w*secretkey|key|keys|otp|bearer|jwt|sas|headers?|extraheader)$/;
/** Secret words that name a setting about the secret when another word follows (`sig_enforce`, `key_mgmt`, `auth_type`). */
const SHORT_WORD = /^(?:sig|key|keys|auth|pw|otp|sas|psk|jwt|headers?|cookies?|bearer)$/;
/** Words that end in "pass" and are no password. */
const LOOKALIKE = new Set(['bypass', 'compass', 'surpass', 'overpass', 'underpass', 'encompass']);
/** A first word that makes the name a switch rather than a value (`--no-password`, `--ask-pass`). */
const SWITCH_PREFIX = new Set(['no', 'ask', 'prompt', 'use', 'disable', 'enable', 'allow', 'skip', 'require', 'show', 'hide', 'print', 'reset', 'recv', 'send', 'list', 'import', 'export', 'delete', 'fetch', 'refresh', 'generate']);
/** A last word that names a file, a prompt, a policy … rather than the value (`--password-file`). */
const QUALIFIER_SUFFIX = new Set([
  'file', 'files', 'path', 'paths', 'dir', 'directory', 'stdin', 'fd', 'prompt', 'policy', 'length', 'len',
  'min', 'max', 'age', 'expiry', 'expires', 'expire', 'type', 'method', 'mode', 'algorithm', 'algo', 'helper',
  'process', 'source', 'jar', 'store', 'command', 'cmd', 'program', 'env', 'name', 'names', 'url', 'uri',
  'endpoint', 'ttl', 'timeout', 'lifetime', 'size', 'bits', 'count', 'format', 'enabled', 'disabled', 'required',
  'server', 'host', 'port', 'user', 'username', 'login', 'plugin', 'backend', 'provider', 'manager', 'hint',
  'retries', 'only', 'interactive', 'authentication', 'authentications', 'scope', 'scopes', 'ring', 'server', 'servers',
]);
/** Whole names that are never secret though a word says so (PWD is the working directory). */
const NOT_SECRET_NAME = /^(?:pwd|oldpwd)$/i;

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Cheap test before the word rules: a secret name contains one of these. */
const MAYBE_SECRET = /pass|pw|psk|secret|token|apikey|cred|auth|cookie|sig|key|otp|bearer|jwt|sas|header/i;
/** Names repeat (option names, variables): their verdicts are kept, a bounded number of them. */
const verdicts = new Map<string, boolean>();

/** True when a name (option, variable, query parameter, header, config key) holds a credential. */
export function isSecretName(name: string): boolean {
  if (name.length === 0 || name.length > 128 || !MAYBE_SECRET.test(name)) return false;
  let v = verdicts.get(name);
  if (v === undefined) {
    if (verdicts.size >= 4096) verdicts.clear();
    v = secretName(name);
    verdicts.set(name, v);
  }
  return v;
}

function secretName(name: string): boolean {
  if (NOT_SECRET_NAME.test(name)) return false;
  const words = nameWords(name).filter((w) => !LOOKALIKE.has(w));
  const last = words[words.length - 1]!;
  if (words.length === 0 || SWITCH_PREFIX.has(words[0]!) || QUALIFIER_SUFFIX.has(last)) return false;
  // Short words are secret only at the end: `sig=`, `X-Api-Key`, but `module.sig_enforce`, `key_mgmt`.
  return SECRET_WORD.test(last) || words.some((w) => !SHORT_WORD.test(w) && SECRET_WORD.test(w));
}

/** Names that are as often a file as a value (`--key key.pem`, `credentials=/etc/creds`): a path after them stays. */
const FILE_OR_VALUE = /^(?:key|keys|credentials?|creds?|cookies?|cert|auth)$/;

/** Words that make a key-like name a value for sure (`AWS_SECRET_ACCESS_KEY=/…` is no path). */
const VALUE_ONLY = /^(?:secret|access|api|pass|password|token|session|signing|master|encryption)$/;

/** A secret-named value that may stay because it is a file name (`--key server.key`, `-auth /run/user/1000/xauth`). */
function keptAsPath(name: string, value: string): boolean {
  const w = nameWords(name);
  if (w.length === 0 || !FILE_OR_VALUE.test(w[w.length - 1]!) || w.some((x) => VALUE_ONLY.test(x))) return false;
  const path = /^(?:\/|~\/|\.\.?\/)[\w./@-]*$/.test(value) || /^[\w@-][\w.@-]*(?:\/[\w.@-]+)*\.[A-Za-z]{1,5}$/.test(value);
  return path && redactText(value) === value;
}

/** Values that say how, not what: `PasswordAuthentication=no`, `--password-store=basic`. */
const SWITCH_VALUE = /^(?:yes|no|true|false|on|off|none|null|required|optional|prompt|disabled|enabled)$/i;

function isHeaderName(name: string): boolean {
  const w = nameWords(name);
  return w.length > 0 && /^(?:headers?|extraheader)$/.test(w[w.length - 1]!);
}

// ---------------------------------------------------------------------------------------------
// Known token formats (after gitleaks' and secretlint's rule sets) and private key blocks

const KEY_BLOCK = /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;

function redactKeyBlocks(text: string): string {
  return text.includes('PRIVATE KEY') ? text.replace(KEY_BLOCK, REDACTED) : text;
}

const TOKEN_FORMATS = new RegExp(
  [
    KEY_BLOCK,
    /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, // GitHub
    /\bgl(?:pat|dt|rt|ptt|ft|imt|oas|cbt|soat|sst|ffct|agent)-[\w-]{20,}/, // GitLab
    /\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}/, // Slack
    /(?<=hooks\.slack\.com\/(?:services|workflows)\/)[A-Za-z0-9/_-]+/,
    /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b/, // AWS key ids
    /\bAIza[\w-]{35}|\bya29\.[\w-]{20,}|\bGOCSPX-[\w-]{20,}/, // Google
    /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9]{20,}/, // Stripe
    /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/, // JWT
    /\bnpm_[A-Za-z0-9]{36}\b/, // npm
    /\bpypi-AgE[\w-]{40,}/, // PyPI
    /\bsk-(?:ant-|proj-)?[\w-]{20,}/, // OpenAI, Anthropic
    /\bSG\.[\w-]{16,}\.[\w-]{20,}/, // SendGrid
    /\bdckr_pat_[\w-]{20,}/, // Docker Hub
    /\bhv[sbr]\.[\w-]{20,}/, // Vault
    /\b[a-z0-9]{14}\.atlasv1\.[\w=-]{40,}/, // Terraform Cloud
    /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/, // Shopify
    /\bdo[opr]_v1_[a-f0-9]{64}\b/, // DigitalOcean
    /\bgl(?:sa|c)_[A-Za-z0-9_+/=]{32,}/, // Grafana
    /\bNRAK-[A-Z0-9]{27}\b/, // New Relic
    /\bdapi[a-f0-9]{32}\b/, // Databricks
    /\bATATT3[\w=-]{50,}/, // Atlassian
    /\bAGE-SECRET-KEY-1[A-Z0-9]{58}\b/, // age
    /\b\d{8,10}:AA[\w-]{33}\b/, // Telegram bot
    /\bsntr[ysu]_[\w=+/-]{40,}/, // Sentry
  ]
    .map((r) => r.source)
    .join('|'),
  'g',
);

// ---------------------------------------------------------------------------------------------
// High entropy

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const ENTROPY_CANDIDATE = /[A-Za-z0-9+/=_-]{20,}/g;

/**
 * A random-looking token: 20+ characters mixing upper case, lower case and digits (or 32+ mixing
 * letters and digits), entropy close to what a random string of that length has. Hex is left out
 * on purpose: digests, commit, container and key ids and UUIDs are facts security teams compare.
 */
export function isHighEntropyToken(t: string): boolean {
  if (t.length < 20 || /^[0-9a-fA-F-]+$/.test(t)) return false;
  // Paths: absolute, or relative with short segments and none of base64's "+" and "=".
  if (t.startsWith('/') || (/^[\w.-]+(?:\/[\w.-]+)+\/?$/.test(t) && !/[+=]/.test(t) && t.split('/').every((s) => s.length < 20))) return false;
  const body = t.replace(/=+$/, '');
  const upper = /[A-Z]/.test(body);
  const lower = /[a-z]/.test(body);
  const digit = /[0-9]/.test(body);
  if (!digit || (!(upper && lower) && !(body.length >= 32 && (upper || lower)))) return false;
  const threshold = Math.min(4.3, Math.log2(body.length) - 0.75);
  return shannonEntropy(body) >= threshold;
}

/**
 * Base64 digests are facts too: SSH fingerprints (`SHA256:…`) and subresource integrity
 * (`sha512-…`) name public keys and package contents.
 */
function isDigest(tok: string, before: string): boolean {
  return /(?:SHA(?:1|256|384|512)|MD5):$/i.test(before) || /^(?:sha(?:1|256|384|512)|md5)-/i.test(tok);
}

// ---------------------------------------------------------------------------------------------
// Text

const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest|Negotiate|NTLM|ApiKey|Key|OAuth|SSWS|AWS4-HMAC-SHA256|Splunk|GenieKey|Bot)\s+/i;

/** The value of a `Name: value` header, scheme kept (`Authorization: Bearer <redacted>`). */
function redactHeaderValue(value: string): string {
  const m = AUTH_SCHEME.exec(value);
  return m ? m[0] + REDACTED : REDACTED;
}

/** A `Name: value` header line: redacted when the name is secret, otherwise its value as text. */
export function redactHeader(header: string): string {
  const m = /^(\s*)([\w.-]+)(\s*:\s*)([\s\S]*)$/.exec(header);
  if (!m) return redactText(header);
  return isSecretName(m[2]!) ? m[1]! + m[2]! + m[3]! + redactHeaderValue(m[4]!) : m[1]! + m[2]! + m[3]! + redactText(m[4]!);
}

const PLAIN_USER = /^[A-Za-z_][A-Za-z0-9._-]{0,19}$/;

function redactUserInfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  if (colon >= 0) return `${userinfo.slice(0, colon)}:${REDACTED}`;
  const user = decodeURIComponentSafe(userinfo);
  return PLAIN_USER.test(user) && !isHighEntropyToken(user) && !matchesTokenFormat(user) ? userinfo : REDACTED;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matchesTokenFormat(s: string): boolean {
  TOKEN_FORMATS.lastIndex = 0;
  return TOKEN_FORMATS.test(s);
}

/** `scheme://userinfo@` anywhere (userinfo may hold "@"; the last one before the host wins); `iscsi:` has no slashes. */
const URL_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/|iscsi:)([^\s/?#]*)@/g;

/** `name=value`, `"name": "value"` and `name: value` with a secret name; -D and -- prefixes allowed. */
const ASSIGNMENT = /(?<![\w.$-])(-{0,2})(["']?)([A-Za-z_][\w.-]{0,100})\2(\s*)(=|:)(\s*)/g;

/** SQL that sets a password: `IDENTIFIED BY 'x'`, `PASSWORD 'x'`, `PASSWORD('x')`. */
const SQL_PASSWORD = /\b(IDENTIFIED(?:\s+WITH\s+\w+)?\s+(?:BY|AS)\s+|PASSWORD\s*\(\s*|PASSWORD\s*=\s*|PASSWORD\s+)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/gi;

const BEARER = /\b(Bearer|Basic|Negotiate)(\s+)([\w~+/=.-]{6,})/g;

/** Where an unquoted value of an assignment ends in free text. */
const VALUE_END = /[\s&;,"'`)}\]]/;

function valueEnd(text: string, from: number, sep: string, spaceAfter: boolean): number {
  const q = text[from];
  if (q === '"' || q === "'") {
    let i = from + 1;
    while (i < text.length && text[i] !== q) i += text[i] === '\\' ? 2 : 1;
    return Math.min(text.length, i + 1);
  }
  // `Authorization: Bearer x` runs to the end of the line.
  if (sep === ':' && spaceAfter) {
    const nl = text.indexOf('\n', from);
    return nl < 0 ? text.length : nl;
  }
  let i = from;
  while (i < text.length && !VALUE_END.test(text[i]!)) i++;
  return i;
}

function redactAssignments(text: string): string {
  let out = '';
  let last = 0;
  ASSIGNMENT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ASSIGNMENT.exec(text))) {
    const [whole, , quote, name, , sep, after] = m as unknown as [string, string, string, string, string, string, string];
    const valueAt = m.index + whole.length;
    // `name: value` needs a quoted name (JSON) or a blank after the colon (headers, YAML); `a:b` is a path or a port.
    if (!isSecretName(name) || (sep === ':' && !quote && after.length === 0) || valueAt >= text.length) continue;
    const end = valueEnd(text, valueAt, sep, after.length > 0);
    if (end <= valueAt) continue;
    const value = text.slice(valueAt, end);
    const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
    const inner = q ? value.slice(1, value.endsWith(q) && value.length > 1 ? -1 : undefined) : value;
    if (keptAsPath(name, inner) || SWITCH_VALUE.test(inner)) continue;
    if (inner === REDACTED || inner.length === 0) continue;
    const shown = sep === ':' ? redactHeaderValue(inner) : REDACTED;
    out += text.slice(last, valueAt) + (q ? q + shown + (value.length > 1 && value.endsWith(q) ? q : '') : shown);
    last = end;
    ASSIGNMENT.lastIndex = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Free text (a log message, an argument, a value): secret assignments, headers, URL user info,
 * SQL passwords, bearer tokens, known token formats and high-entropy tokens are replaced.
 */
export function redactText(text: string): string {
  // Short text without "=" or ":" can hold no name and no token format: the common argument.
  if (text.length < 15 && !/[=:]/.test(text)) return text;
  let t = text;
  if (t.includes('@')) t = t.replace(URL_USERINFO, (_, scheme: string, ui: string) => `${scheme}${redactUserInfo(ui)}@`);
  if (t.includes('=') || t.includes(':')) t = redactAssignments(t);
  if (/IDENTIFIED|PASSWORD/i.test(t)) t = t.replace(SQL_PASSWORD, (_, pre: string, v: string) => `${pre}${v[0]}${REDACTED}${v[0]}`);
  if (/Bearer|Basic|Negotiate/.test(t)) t = t.replace(BEARER, (all, scheme: string, sp: string, v: string) => (/^[a-z]+$/.test(v) || v === REDACTED ? all : `${scheme}${sp}${REDACTED}`));
  if (t.length >= 15) {
    TOKEN_FORMATS.lastIndex = 0;
    t = t.replace(TOKEN_FORMATS, REDACTED);
  }
  if (t.length >= 20) t = t.replace(ENTROPY_CANDIDATE, (tok, at: number, all: string) => (isHighEntropyToken(tok) && !isDigest(tok, all.slice(Math.max(0, at - 8), at)) ? REDACTED : tok));
  return t;
}

// ---------------------------------------------------------------------------------------------
// URLs

/**
 * A URL as it may leave the host: the password (or a token used as user name) replaced, the values
 * of secret-named query parameters replaced. Works on strings that are not WHATWG URLs too
 * (`cdrom:[…]/`, `mirror+file:/…`, `$releasever` placeholders).
 */
export function redactUrl(raw: string): string {
  const url = raw.trim();
  const q = url.indexOf('?');
  if (q < 0) return redactText(url);
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt >= 0 ? hashAt : undefined);
  const cleaned = query
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq > 0 && isSecretName(decodeURIComponentSafe(p.slice(0, eq))) ? `${p.slice(0, eq)}=${REDACTED}` : redactText(p);
    })
    .join('&');
  return redactText(url.slice(0, q)) + '?' + cleaned + (hashAt >= 0 ? redactText(url.slice(hashAt)) : '');
}

/** True when a URL carries credentials (user info), so callers can say a source is authenticated. */
export function hasUrlCredentials(raw: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*@/.test(raw.trim());
}

// ---------------------------------------------------------------------------------------------
// Assignments and option lists

/** `NAME=value` (an environment entry, a kernel parameter, a mount option): the value goes when NAME is secret. */
export function redactAssignment(name: string, value: string): string {
  if (isSecretName(name)) {
    if (isHeaderName(name) && /^\s*[\w-]+\s*:/.test(value)) return redactHeader(value);
    return keptAsPath(name, value) || SWITCH_VALUE.test(value) ? value : REDACTED;
  }
  return /:\/\//.test(value) ? redactUrl(value) : redactText(value);
}

/** Comma-separated `name=value` options (fstab, `mount -o`, `-o` of sshfs): secret values replaced. */
export function redactOptionList(options: string[]): string[] {
  return options.map((o) => {
    const eq = o.indexOf('=');
    return eq > 0 ? `${o.slice(0, eq)}=${redactAssignment(o.slice(0, eq), o.slice(eq + 1))}` : redactText(o);
  });
}

// ---------------------------------------------------------------------------------------------
// Command lines

interface ToolRule {
  /** Short options whose value (glued or next) is a secret. */
  short?: string;
  /** Short options whose value is a secret only when glued (`mysql -pX`; `-p` alone prompts). */
  glued?: string;
  /** Short options holding `user:password` (curl -u), `user%password` (smbclient -U), `user,password` (lftp -u). */
  userPass?: string;
  /** What separates user and password in them (":" unless said). */
  userSep?: string;
  /** Short options holding a header (curl -H) or cookies (curl -b). */
  header?: string;
  /** Long options whose value is a secret for this tool though their name says nothing (`gh secret set --body`). */
  secretLong?: string[];
  /** Long options that take no separate value for this tool (`mysql --password` prompts). */
  noNext?: string[];
  /** Single-dash long options (openssl): a short option counts only alone, never glued. */
  exact?: boolean;
  /** Only after this verb (`docker login -p`; `docker run -p` is a port). */
  verb?: string;
  /** A positional argument as shown, or null when this rule leaves it to the others. */
  positional?: (args: readonly string[], i: number, positionals: string[]) => string | null;
}

const MYSQL: ToolRule = { glued: 'p', noNext: ['password', 'pass'] };
const MONGO: ToolRule = { short: 'p' };
const LDAP: ToolRule = { short: 'w' };
/** A positional rule that hides the whole argument when `when` holds. */
const hideIf =
  (when: (args: readonly string[], i: number, positionals: string[]) => boolean) =>
  (args: readonly string[], i: number, positionals: string[]): string | null =>
    when(args, i, positionals) ? REDACTED : null;

const REDIS: ToolRule = { short: 'a', positional: hideIf((_a, _i, pos) => pos.slice(0, -1).some((p) => /^auth$/i.test(p))) };

/** Positional `user/password@db` (Oracle tools): the user and the database stay. */
const ORACLE: ToolRule = { positional: (a, i) => (/^[^\s/=@-][^\s/=@]*\/[^\s@]+/.test(a[i]!) ? a[i]!.replace(/^([^/]*\/)[^@]*/, `$1${REDACTED}`) : null) };

const TOOLS: Record<string, ToolRule> = {
  ...Object.fromEntries(
    ['mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlpump', 'mysqlslap', 'mysqlbinlog', 'mysqlsh', 'mariadb', 'mariadb-dump', 'mariadb-admin', 'mariadb-import', 'mariadb-show', 'mariadb-check', 'mariadb-slap', 'mariadb-binlog', 'mydumper', 'myloader'].map((t) => [t, MYSQL]),
  ),
  ...Object.fromEntries(['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop', 'mongofiles'].map((t) => [t, MONGO])),
  ...Object.fromEntries(['ldapsearch', 'ldapadd', 'ldapmodify', 'ldapdelete', 'ldapmodrdn', 'ldapcompare', 'ldapwhoami', 'ldapexop', 'ldapurl'].map((t) => [t, LDAP])),
  ...Object.fromEntries(['redis-cli', 'valkey-cli', 'keydb-cli'].map((t) => [t, REDIS])),
  ...Object.fromEntries(['sqlplus', 'sqlldr', 'exp', 'imp', 'expdp', 'impdp', 'rman', 'dgmgrl'].map((t) => [t, ORACLE])),
  ...Object.fromEntries(['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'oras', 'crane'].map((t) => [t, { short: 'p', verb: 'login' }])),
  ldappasswd: { short: 'wsa' },
  sshpass: { short: 'p' },
  sqlcmd: { short: 'P' },
  bcp: { short: 'P' },
  osql: { short: 'P' },
  zip: { short: 'P' },
  zipcloak: { short: 'P' },
  unzip: { short: 'P' },
  '7z': { glued: 'p' },
  '7za': { glued: 'p' },
  '7zr': { glued: 'p' },
  '7zz': { glued: 'p' },
  rar: { glued: 'p' },
  unrar: { glued: 'p' },
  ipmitool: { short: 'P' },
  racadm: { short: 'p' },
  az: { short: 'p' },
  ...Object.fromEntries(['snmpwalk', 'snmpget', 'snmpset', 'snmpbulkwalk', 'snmpbulkget', 'snmpgetnext', 'snmptrap', 'snmptable'].map((t) => [t, { short: 'cAX' }])),
  mosquitto_pub: { short: 'P' },
  mosquitto_sub: { short: 'P' },
  mosquitto_rr: { short: 'P' },
  rdesktop: { short: 'p' },
  'ssh-keygen': { short: 'NP' },
  openssl: { short: 'kK', exact: true, positional: hideIf((_a, _i, pos) => pos[0] === 'passwd' && pos.length >= 2) },
  mkpasswd: { positional: hideIf((a, i) => i === a.length - 1) },
  net: { userPass: 'U', userSep: '%' },
  gh: { short: 'b', secretLong: ['body'], verb: 'secret' },
  useradd: { short: 'p' },
  usermod: { short: 'p' },
  groupadd: { short: 'p' },
  groupmod: { short: 'p' },
  curl: { userPass: 'uU', header: 'Hb' },
  http: { userPass: 'a' },
  https: { userPass: 'a' },
  lftp: { userPass: 'u', userSep: ',' },
  smbclient: { userPass: 'U', userSep: '%' },
  rpcclient: { userPass: 'U', userSep: '%' },
  smbcacls: { userPass: 'U', userSep: '%' },
  smbget: { userPass: 'U', userSep: '%' },
  wpa_passphrase: { positional: hideIf((_a, _i, pos) => pos.length === 2) },
  htpasswd: { positional: hideIf((a, i) => a.some((x) => /^-[a-zA-Z]*b/.test(x)) && i === a.length - 1) },
  vault: { positional: hideIf((a, i, pos) => pos.length === 2 && pos[0] === 'login' && !a[i]!.includes('=')) },
  rabbitmqctl: { positional: hideIf((_a, _i, pos) => ['add_user', 'change_password', 'authenticate_user'].includes(pos[0]!) && pos.length === 3) },
  mc: { positional: hideIf((_a, _i, pos) => pos[0] === 'alias' && pos[1] === 'set' && pos.length >= 5) },
};

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox', 'fish', 'su', 'runuser', 'script', 'flock']);
/** nmcli's settings whose next word is a secret (`nmcli dev wifi connect X password Y`). */
const NMCLI_SECRET = /^(?:password|wifi-sec\.psk|802-11-wireless-security\.psk|wifi-sec\.wep-key[0-3]|802-1x\.password|vpn\.secrets)$/i;
/** Verbs after which `<secret name> <value>` sets a secret (`aws configure set aws_secret_access_key X`). */
const SET_VERB = /^(?:set|config|configure|config:set|setenv)$/;
/** Separators of shell text: a new command (and tool) starts after them. */
const SHELL_SEPARATOR = /^(?:\||\|\||&&|;|&|\(|\)|then|do|else|exec|sudo|env|nohup|nice|time|timeout|xargs|command)$/;

/** The value of a secret-named long option: the header's name, a path for key-like names, or nothing. */
function secretOptionValue(name: string, value: string): string {
  if (isHeaderName(name) && /^\s*[\w-]+\s*:/.test(value)) return redactHeader(value);
  return keptAsPath(name, value) || SWITCH_VALUE.test(value) ? value : REDACTED;
}

/** `user:password` as `user:<redacted>`; a value without the separator is a user name alone. */
function redactUserPass(v: string, sep = ':'): string {
  const at = v.indexOf(sep);
  return at >= 0 ? v.slice(0, at + 1) + REDACTED : v;
}

/** A single argument seen alone (a value, a positional): text rules, and nested command lines. */
function redactWord(a: string, depth: number): string {
  if (a.length === 0) return a;
  // `NAME=value` as a whole argument: the value is everything after "=" (commas and all).
  const eq = a.indexOf('=');
  if (eq > 0 && /^[A-Za-z_][\w.-]*$/.test(a.slice(0, eq)) && isSecretName(a.slice(0, eq))) return `${a.slice(0, eq)}=${redactAssignment(a.slice(0, eq), a.slice(eq + 1))}`;
  const t = redactText(a);
  // An argument holding a whole command (`ssh host 'mysql -pX'`, `exec -a`): words of its own.
  return depth < 3 && /\S\s+\S/.test(t) ? redactCommandLine(t, depth + 1) : t;
}

/**
 * An argument vector (`/proc/<pid>/cmdline`, an audit EXECVE record): every argument redacted
 * with the conventions of the tool it belongs to. Same length as the input.
 */
export function redactArgv(args: readonly string[], depth = 0): string[] {
  const out: string[] = [];
  let tool: ToolRule | undefined;
  let toolName = '';
  let verbSeen = false;
  let positionals: string[] = [];
  /** How the next argument is shown; null from it means "an ordinary argument after all". */
  let next: ((v: string) => string | null) | null = null;
  const setTool = (a: string): boolean => {
    const b = basename(a);
    const t = TOOLS[b];
    if (!t && !SHELLS.has(b)) return false;
    tool = t;
    toolName = b;
    verbSeen = false;
    positionals = [];
    return true;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (next) {
      const shown = next(a);
      next = null;
      if (shown !== null) {
        out.push(shown);
        continue;
      }
    }
    if (i === 0 || SHELL_SEPARATOR.test(args[i - 1]!)) {
      if (!setTool(a)) {
        tool = undefined;
        toolName = basename(a);
        positionals = [];
      }
      out.push(redactWord(a, depth));
      continue;
    }
    // An auth scheme split from its credential (`-H Authorization: Bearer xyz` without quotes).
    if (/(?:^|[\s=:])(?:[Bb]earer|Basic|Negotiate)$/.test(a) && i + 1 < args.length) {
      out.push(a.startsWith('-') ? redactOption(a, true) : redactWord(a, depth));
      next = () => REDACTED;
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && a !== '--') {
      out.push(redactOption(a, i + 1 < args.length));
      continue;
    }
    // A positional argument.
    if (!tool && !SHELLS.has(toolName) && setTool(a)) {
      out.push(a);
      continue;
    }
    positionals.push(a);
    if (tool?.verb && a === tool.verb) verbSeen = true;
    // FreeRDP's Windows-style options: /p:password, /pth:hash.
    if (/freerdp/.test(toolName) && /^\/(?:p|pth|password|gp|gt:.*?:p):/i.test(a)) {
      out.push(a.slice(0, a.indexOf(':') + 1) + REDACTED);
      continue;
    }
    const shown = tool?.positional?.(args, i, positionals);
    if (shown != null) {
      out.push(shown);
      continue;
    }
    // `set NAME value`: the value, unless what follows is an option (`gh secret set NAME --body x`).
    if (i + 1 < args.length && ((toolName === 'nmcli' && NMCLI_SECRET.test(a)) || (positionals.slice(0, -1).some((p) => SET_VERB.test(p)) && /^[\w./:@-]+$/.test(a) && isSecretName(a.split(/[:/]/).pop()!))))
      next = (v) => (v.startsWith('--') ? null : REDACTED);
    out.push(redactWord(a, depth));
  }
  return out;

  function redactOption(a: string, hasNext: boolean): string {
    const long = a.startsWith('--');
    const body = a.slice(long ? 2 : 1);
    // Java system properties: -Dname=value.
    if (!long && body.startsWith('D') && body.includes('=')) {
      const eq = body.indexOf('=');
      return `-${body.slice(0, eq + 1)}${redactAssignment(body.slice(1, eq), body.slice(eq + 1))}`;
    }
    // Tool-specific short options: the first letter with its glued value or the next argument,
    // else a short cluster ending in the option (`curl -sSu user:pw`, `unzip -oP pw`).
    if (!long && tool && /^[A-Za-z0-9]/.test(body)) {
      const verbOk = !tool.verb || verbSeen;
      const valueOf = (c: string): ((v: string) => string) | null => {
        if (verbOk && tool!.short?.includes(c)) return () => REDACTED;
        if (tool!.userPass?.includes(c)) return (v) => redactUserPass(v, tool!.userSep);
        if (tool!.header?.includes(c)) return c === 'b' ? (v) => (v.includes('=') ? REDACTED : v) : redactHeader;
        return null;
      };
      const c = body[0]!;
      const glued = body.slice(1);
      if (tool.glued?.includes(c) && glued) return `-${c}${REDACTED}`;
      const first = tool.exact && glued ? null : valueOf(c);
      if (first) {
        if (glued) return `-${c}${first(glued)}`;
        next = first;
        return a;
      }
      const last = glued && body.length <= 4 && /^[A-Za-z]+$/.test(body) && !tool.exact ? valueOf(body[body.length - 1]!) : null;
      if (last) {
        next = last;
        return a;
      }
    }
    // Shells: `-c <command>` (and -lc, -ec, …).
    if (!long && SHELLS.has(toolName) && /^[a-zA-Z]*c[a-zA-Z]*$/.test(body)) {
      next = (v) => redactCommandLine(v, depth + 1);
      return a;
    }
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (long && tool?.userPass && /^(?:user|proxy-user|auth)$/.test(name)) {
      const sep = tool.userSep;
      if (eq >= 0) return `--${name}=${redactUserPass(body.slice(eq + 1), sep)}`;
      next = (v) => redactUserPass(v, sep);
      return a;
    }
    // Long options, and single-dash long ones (`-storepass x`, `-passin pass:x`).
    if (long || name.length > 1) {
      if (isSecretName(name) || (long && tool?.secretLong?.includes(name) && (!tool.verb || verbSeen))) {
        if (eq >= 0) return `${a.slice(0, a.length - body.length)}${name}=${secretOptionValue(name, body.slice(eq + 1))}`;
        if (!tool?.noNext?.includes(name) && hasNext) next = (v) => secretOptionValue(name, v);
        return a;
      }
      if (eq >= 0) return `${a.slice(0, a.length - body.length)}${name}=${redactWord(body.slice(eq + 1), depth)}`;
    }
    return redactText(a);
  }
}

/** Splits shell text into words, with the span each word took in the text. */
export function shellWords(text: string): { value: string; start: number; end: number; quote: string }[] {
  const words: { value: string; start: number; end: number; quote: string }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let value = '';
    const quote = text[i] === '"' || text[i] === "'" ? text[i]! : '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const end = close < 0 ? text.length : close;
        value += text.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else if (c === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    words.push({ value, start, end: Math.min(i, text.length), quote });
  }
  return words;
}

/**
 * A command line as one string (shell text, `sudo` COMMAND=, `sh -c` scripts): split into words as
 * a shell would, redacted as an argument vector; words that change are written back in place.
 */
export function redactCommandLine(text: string, depth = 0): string {
  const words = shellWords(text);
  if (words.length === 0) return redactText(text);
  const redacted = redactArgv(
    words.map((w) => w.value),
    depth,
  );
  let out = '';
  let last = 0;
  words.forEach((w, k) => {
    if (redacted[k] === w.value) return;
    // Quoted again when it was quoted or holds blanks, so the line still splits into the same words.
    const q = w.quote || (/[\s'"]/.test(redacted[k]!) ? (redacted[k]!.includes('"') ? "'" : '"') : '');
    out += text.slice(last, w.start) + q + redacted[k] + q;
    last = w.end;
  });
  // A key block spans words.
  return redactKeyBlocks(out + text.slice(last));
}

/** Any value of a fact row or event attribute: strings go through the text rules. */
export function redactFactValue<T>(v: T): T {
  return (typeof v === 'string' ? redactText(v) : v) as T;
}
