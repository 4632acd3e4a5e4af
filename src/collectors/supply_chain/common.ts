import type { FactRow, FactTable, TableSpec } from '../types.js';
import type { HostFs } from '../../host/hostfs.js';
import { userHomes, type HomeLimits } from '../../host/homes.js';
import { redactUrl } from '../../util/redact.js';
import { uniqueRows as uniqueBy } from '../toolkit/rows.js';

/** The scheme of a URL, lower-cased ("" for a local path). */
export function urlScheme(url: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url.trim());
  return m ? m[1]!.toLowerCase() : '';
}

/** The host of a URL ("" when it has none). */
export function urlHost(url: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^/?#]*@)?(\[[^\]]*\]|[^/?#:]*)/.exec(url.trim());
  return m ? m[1]!.toLowerCase() : '';
}

const SECURE_SCHEMES = new Set(['https', 'file', 'cdrom', 'copy', 'ssh', 'sftp', 'ftps', 'rsyncs', 's3', 'gs', 'oci']);

/**
 * Whether fetching from this URL is protected in transit: https, ssh, local files and
 * media are; http, ftp, rsync and git:// are not. Wrappers such as apt's `tor+https`,
 * `mirror+http` or portage's `git+https` are judged by their inner scheme. An unknown
 * scheme counts as not secure.
 */
export function isSecureTransport(url: string): boolean {
  const scheme = urlScheme(url);
  if (scheme === '') return url.trim().startsWith('/'); // a local directory
  const parts = scheme.split('+');
  const inner = parts[parts.length - 1]!;
  return SECURE_SCHEMES.has(inner);
}

export type Signed = 'true' | 'false' | 'unknown';

/** What a collector knows about one package source before the common flags are computed. */
export interface SourceInput {
  file: string;
  /** Repository id, suite, scope or key: what names the source within its file. */
  name: string;
  /** Raw URL (credentials still in it; they are removed here). */
  url: string;
  /** deb/deb-src, rpm-md, sync type, index-url… */
  type: string;
  enabled: boolean;
  signed: Signed;
  /** Marked trusted: apt `trusted=yes`, pacman `TrustAll`, pip `trusted-host`, npm `strict-ssl=false`. */
  trusted: boolean;
  /** Overrides the URL-based transport check (pacman mirror lists, repos without a URL). */
  secureTransport?: boolean;
  /** Manager-specific columns (never secrets). */
  extra?: FactRow;
}

/** Why a source is flagged; empty when it is not. Only enabled sources are flagged. */
export function insecureReasons(s: { enabled: boolean; signed: Signed; trusted: boolean; secure_transport: boolean }): string[] {
  if (!s.enabled) return [];
  const out: string[] = [];
  if (s.signed === 'false') out.push('unsigned');
  if (s.trusted) out.push('trusted');
  if (!s.secure_transport) out.push('plain_transport');
  return out;
}

/** A row of a `<manager>_sources` table. */
export function sourceRow(manager: string, s: SourceInput): FactRow {
  const secure = s.secureTransport ?? isSecureTransport(s.url);
  const reasons = insecureReasons({ enabled: s.enabled, signed: s.signed, trusted: s.trusted, secure_transport: secure });
  return {
    manager,
    file: s.file,
    name: s.name,
    type: s.type,
    url: redactUrl(s.url),
    enabled: s.enabled,
    signed: s.signed,
    trusted: s.trusted,
    secure_transport: secure,
    insecure: reasons.length > 0,
    insecure_reasons: reasons.join(','),
    ...s.extra,
  };
}

/** The one-row `<manager>_source_summary` table: counts that stay exact when series are capped. */
export function summaryRow(manager: string, rows: FactRow[], extra: FactRow = {}): FactRow {
  const count = (f: (r: FactRow) => boolean) => rows.filter(f).length;
  return {
    manager,
    sources: rows.length,
    enabled: count((r) => r.enabled === true),
    insecure: count((r) => r.insecure === true),
    unsigned: count((r) => r.enabled === true && r.signed === 'false'),
    trusted: count((r) => r.enabled === true && r.trusted === true),
    plain_transport: count((r) => r.enabled === true && r.secure_transport === false),
    ...extra,
  };
}

export const SOURCE_KEY = ['file', 'name', 'type', 'url'];

/** Drops sources listed twice (same file, name, type and URL): the first one wins. */
export function uniqueRows(rows: FactRow[], key: string[] = SOURCE_KEY): FactRow[] {
  return uniqueBy(rows, key);
}

/** The two tables every supply-chain collector declares. */
export function sourceTables(manager: string, what: string): TableSpec[] {
  return [
    {
      name: `${manager}_sources`,
      key: SOURCE_KEY,
      description: `${what}: one row per source, URL without credentials, with signing and transport flags.`,
      drift: true,
    },
    { name: `${manager}_source_summary`, key: ['manager'], description: `Counts of ${what}.` },
  ];
}

/**
 * Builds both tables of a supply-chain collector. `present` is false when the manager's
 * configuration is not on the host at all: both tables are then empty (no count of 0).
 */
export function sourceResult(manager: string, present: boolean, inputs: SourceInput[], summaryExtra: FactRow = {}): FactTable[] {
  if (!present) return [
    { name: `${manager}_sources`, rows: [] },
    { name: `${manager}_source_summary`, rows: [] },
  ];
  const rows = uniqueRows(inputs.map((s) => sourceRow(manager, s)));
  return [
    { name: `${manager}_sources`, rows },
    { name: `${manager}_source_summary`, rows: [summaryRow(manager, rows, summaryExtra)] },
  ];
}

export interface ConfigFile {
  path: string;
  text: string;
}

/**
 * The regular files of a drop-in directory whose names end in `suffix`, sorted by name.
 * A missing directory gives []. Links are followed (inside the host root); sub-directories
 * and other entries are skipped, as the package managers do.
 */
export async function readDropIns(fs: HostFs, dir: string, suffix: string | RegExp): Promise<ConfigFile[]> {
  const entries = await fs.readdirIfExists(dir);
  const out: ConfigFile[] = [];
  for (const e of entries ?? []) {
    const match = typeof suffix === 'string' ? e.name.endsWith(suffix) : suffix.test(e.name);
    if (!match || e.name.startsWith('.')) continue;
    if (e.type !== 'file' && e.type !== 'symlink') continue;
    const path = `${dir}/${e.name}`;
    if (e.type === 'symlink') {
      const st = await fs.statIfExists(path);
      if (!st?.isFile()) continue; // dangling link or a link to a directory
    }
    const text = await fs.readTextIfExists(path);
    if (text !== null) out.push({ path, text });
  }
  return out;
}

/** Splits whitespace/comma separated lists (trusted-host, extra-index-url, baseurl). */
export function splitList(v: string | undefined): string[] {
  return (v ?? '').split(/[\s,]+/).filter(Boolean);
}

export interface OwnedConfigFile extends ConfigFile {
  /** The account whose home holds the file; "" for system-wide files. */
  user: string;
}

/**
 * Reads system-wide config files and the same relative files in every user home
 * (pip.conf, .npmrc). Missing files are skipped; a directory where a file should be is not.
 */
export async function readSystemAndUserFiles(fs: HostFs, system: string[], perUser: string[], bound?: HomeLimits): Promise<OwnedConfigFile[]> {
  const out: OwnedConfigFile[] = [];
  for (const path of system) {
    const text = await fs.readTextIfExists(path);
    if (text !== null) out.push({ path, text, user: '' });
  }
  for (const h of await userHomes(fs, bound)) {
    for (const rel of perUser) {
      const path = `${h.home}/${rel}`;
      const text = await fs.readTextIfExists(path);
      if (text !== null) out.push({ path, text, user: h.user });
    }
  }
  return out;
}
