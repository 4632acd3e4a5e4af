import { parseOsRelease } from './os-release.parse.js';

/**
 * Distribution identity from the files older and minimal systems have instead of (or
 * beside) os-release(5). Each parser turns one file into os-release's fields, named as
 * os-release names them, or null when the content is not what that file holds.
 */

export interface OsIdentity {
  id: string;
  id_like: string;
  name: string;
  pretty_name: string;
  version: string;
  version_id: string;
  version_codename: string;
  build_id: string;
  variant_id: string;
}

export const EMPTY_IDENTITY: OsIdentity = {
  id: '',
  id_like: '',
  name: '',
  pretty_name: '',
  version: '',
  version_id: '',
  version_codename: '',
  build_id: '',
  variant_id: '',
};

type Parsed = Partial<OsIdentity> & { id: string; name: string };

/** os-release's ID syntax: lower-case letters, digits, `.`, `_` and `-`. */
function idOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '');
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

/** Names in `*-release` lines and the ID / ID_LIKE their os-release files use. */
const RELEASE_NAMES: { prefix: string; id: string; id_like: string }[] = [
  { prefix: 'centos', id: 'centos', id_like: 'rhel fedora' },
  { prefix: 'red hat enterprise linux', id: 'rhel', id_like: 'fedora' },
  { prefix: 'amazon linux', id: 'amzn', id_like: 'centos rhel fedora' },
  { prefix: 'fedora', id: 'fedora', id_like: '' },
  { prefix: 'oracle linux', id: 'ol', id_like: 'fedora' },
  { prefix: 'rocky linux', id: 'rocky', id_like: 'rhel centos fedora' },
  { prefix: 'almalinux', id: 'almalinux', id_like: 'rhel centos fedora' },
  { prefix: 'scientific linux', id: 'scientific', id_like: 'rhel fedora' },
  { prefix: 'cloudlinux', id: 'cloudlinux', id_like: 'rhel fedora centos' },
];

/**
 * `/etc/redhat-release`, `centos-release`, `system-release` (Amazon Linux), one line:
 * "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux Server release 7.9 (Maipo)",
 * "Amazon Linux release 2 (Karoo)", "Amazon Linux AMI release 2018.03".
 */
export function parseRedhatRelease(text: string): Parsed | null {
  const line = firstLine(text);
  const m = /^(.+?)\s+release\s+([0-9][\w.+~-]*)(?:\s+\(([^)]*)\))?/i.exec(line);
  if (!m) return null;
  const [, name, version, codename] = m as unknown as [string, string, string, string | undefined];
  const known = RELEASE_NAMES.find((k) => name.toLowerCase().startsWith(k.prefix));
  // RHEL 5–7 name the variant: "Red Hat Enterprise Linux Server" (os-release VARIANT_ID=server).
  const variant = known?.id === 'rhel' ? /^red hat enterprise linux\s+(\w+)/i.exec(name)?.[1] : undefined;
  return {
    id: known?.id ?? idOf(name.split(/\s+/)[0]!),
    id_like: known?.id_like ?? '',
    name,
    pretty_name: line,
    version: codename ? `${version} (${codename})` : version,
    version_id: version,
    variant_id: variant ? variant.toLowerCase() : '',
  };
}

/**
 * `/etc/SuSE-release` (SLES 10–12, openSUSE up to 42): a name line, then `KEY = value` lines.
 *   SUSE Linux Enterprise Server 11 (x86_64)
 *   VERSION = 11
 *   PATCHLEVEL = 4
 */
export function parseSuseRelease(text: string): Parsed | null {
  const line = firstLine(text);
  const values: Record<string, string> = {};
  for (const l of text.split('\n').slice(1)) {
    const m = /^\s*([A-Z_]+)\s*=\s*(.*?)\s*$/.exec(l);
    if (m) values[m[1]!] = m[2]!;
  }
  const version = values.VERSION;
  if (!line || !version || !/^[0-9][\w.]*$/.test(version)) return null;
  const bare = line.replace(/\s*\([^)]*\)\s*$/, ''); // "(x86_64)"
  const patch = values.PATCHLEVEL && values.PATCHLEVEL !== '0' ? values.PATCHLEVEL : '';
  const lower = bare.toLowerCase();
  const id = lower.startsWith('opensuse') ? 'opensuse' : lower.includes('enterprise server') ? 'sles' : lower.includes('enterprise desktop') ? 'sled' : idOf(bare.split(/\s+/)[0]!);
  return {
    id,
    id_like: 'suse',
    name: bare.replace(/\s+[0-9][\w.]*$/, ''),
    pretty_name: patch ? `${bare} SP${patch}` : bare,
    version: patch ? `${version}-SP${patch}` : values.CODENAME ? `${version} (${values.CODENAME})` : version,
    version_id: patch ? `${version}.${patch}` : version,
    version_codename: values.CODENAME ? values.CODENAME.toLowerCase() : '',
  };
}

/** `/etc/alpine-release`: the version alone, "3.19.1". */
export function parseAlpineRelease(text: string): Parsed | null {
  const version = firstLine(text);
  if (!/^[0-9][\w.+~-]*$/.test(version)) return null;
  const minor = /^(\d+\.\d+)/.exec(version)?.[1];
  return { id: 'alpine', name: 'Alpine Linux', pretty_name: `Alpine Linux ${minor ? `v${minor}` : version}`, version_id: version };
}

/** `/etc/gentoo-release`: "Gentoo Base System release 2.14". */
export function parseGentooRelease(text: string): Parsed | null {
  const line = firstLine(text);
  const m = /^gentoo\b.*\brelease\s+([0-9][\w.+~-]*)/i.exec(line);
  if (!m) return null;
  return { id: 'gentoo', name: 'Gentoo', pretty_name: line, version_id: m[1]! };
}

/** `/etc/debian_version`: "12.5", or "trixie/sid" on testing and unstable. */
export function parseDebianVersion(text: string): Parsed | null {
  const v = firstLine(text);
  const numeric = /^(\d+)(\.\d+)*$/.exec(v);
  if (numeric) return { id: 'debian', name: 'Debian GNU/Linux', pretty_name: `Debian GNU/Linux ${v}`, version: v, version_id: numeric[1]! };
  const testing = /^([a-z]+)\/sid$/.exec(v);
  if (testing) return { id: 'debian', name: 'Debian GNU/Linux', pretty_name: `Debian GNU/Linux ${v}`, version: v, version_codename: testing[1]! };
  return null;
}

/** `/etc/lsb-release`: DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME, DISTRIB_DESCRIPTION (Ubuntu, Mint). */
export function parseLsbRelease(text: string): Parsed | null {
  const kv = parseOsRelease(text);
  const name = kv.DISTRIB_ID;
  if (!name) return null; // RHEL's holds LSB_VERSION only
  const release = kv.DISTRIB_RELEASE ?? '';
  const description = kv.DISTRIB_DESCRIPTION ?? '';
  const id = idOf(name);
  return {
    id,
    id_like: id === 'ubuntu' ? 'debian' : '',
    name,
    pretty_name: description || `${name} ${release}`.trim(),
    version: description.startsWith(`${name} `) ? description.slice(name.length + 1) : release,
    version_id: release,
    version_codename: kv.DISTRIB_CODENAME ?? '',
  };
}

/**
 * The files, most specific first: a CentOS host also has redhat-release and system-release,
 * Oracle Linux keeps RHEL's name in redhat-release, Ubuntu has debian_version too.
 */
export const FALLBACK_FILES: { file: string; parse: (text: string) => Parsed | null }[] = [
  { file: '/etc/centos-release', parse: parseRedhatRelease },
  { file: '/etc/system-release', parse: parseRedhatRelease },
  { file: '/etc/redhat-release', parse: parseRedhatRelease },
  { file: '/etc/SuSE-release', parse: parseSuseRelease },
  { file: '/etc/alpine-release', parse: parseAlpineRelease },
  { file: '/etc/gentoo-release', parse: parseGentooRelease },
  { file: '/etc/lsb-release', parse: parseLsbRelease },
  { file: '/etc/debian_version', parse: parseDebianVersion },
];

/** os-release's keys as identity fields (empty where unset). */
export function identityFromOsRelease(kv: Record<string, string>): OsIdentity {
  return {
    id: kv.ID ?? '',
    id_like: kv.ID_LIKE ?? '',
    name: kv.NAME ?? '',
    pretty_name: kv.PRETTY_NAME ?? '',
    version: kv.VERSION ?? '',
    version_id: kv.VERSION_ID ?? '',
    version_codename: kv.VERSION_CODENAME ?? '',
    build_id: kv.BUILD_ID ?? '',
    variant_id: kv.VARIANT_ID ?? '',
  };
}

/** Fills the empty fields of `base` from `more`. */
export function fillIdentity(base: OsIdentity, more: Partial<OsIdentity>): OsIdentity {
  const out = { ...base };
  for (const k of Object.keys(EMPTY_IDENTITY) as (keyof OsIdentity)[]) if (!out[k] && more[k]) out[k] = more[k];
  return out;
}
