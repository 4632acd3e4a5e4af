import { contentLines } from './common.js';

export interface HostsEntry {
  address: string;
  hostname: string;
  /** The first name of the line is the canonical one, the others are aliases. */
  alias: boolean;
  line: number;
}

type OnBad = (line: number, reason: string) => void;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(%[\w.-]+)?$/;
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (IPV6.test(s) && s.includes(':'));
}

/** Parses hosts(5): `address name [aliases…]`, `#` comments. */
export function parseHosts(text: string, onBad?: OnBad): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const { line, text: t } of contentLines(text)) {
    const [address, ...names] = t.split(/\s+/);
    if (!address || !isIpAddress(address) || names.length === 0) {
      onBad?.(line, names.length === 0 ? 'expected an address and a name' : 'not an IP address');
      continue;
    }
    names.forEach((hostname, i) => {
      if (!HOSTNAME.test(hostname)) onBad?.(line, 'bad host name');
      else out.push({ address, hostname: hostname.toLowerCase(), alias: i > 0, line });
    });
  }
  return out;
}

/**
 * Domains whose pinning in /etc/hosts redirects software updates, package downloads or
 * security tooling (a classic way to block updates or serve malicious packages).
 */
const SENSITIVE_SUFFIXES = [
  'debian.org', 'ubuntu.com', 'canonical.com', 'launchpad.net', 'fedoraproject.org', 'centos.org', 'rockylinux.org',
  'almalinux.org', 'redhat.com', 'opensuse.org', 'suse.com', 'archlinux.org', 'alpinelinux.org', 'gentoo.org',
  'pypi.org', 'pythonhosted.org', 'npmjs.org', 'npmjs.com', 'yarnpkg.com', 'rubygems.org', 'crates.io', 'golang.org',
  'proxy.golang.org', 'github.com', 'githubusercontent.com', 'gitlab.com', 'docker.io', 'docker.com', 'gcr.io', 'quay.io',
  'microsoft.com', 'windowsupdate.com', 'snapcraft.io', 'flathub.org', 'letsencrypt.org', 'clamav.net',
];

/** Whether a name belongs to a software-update or security domain (the domain or a sub-domain). */
export function isSensitiveHostname(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return SENSITIVE_SUFFIXES.some((s) => n === s || n.endsWith(`.${s}`));
}
