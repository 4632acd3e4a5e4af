/**
 * Pure parsers of /proc/net files. Addresses in tcp/udp files are 32-bit words in
 * host byte order (little-endian on every architecture this runs on: x86-64,
 * arm64); route, ipv6_route and if_inet6 are documented below per file.
 */

export type BadLine = (line: number, reason: string) => void;

/** "0100007F" (little-endian word) → "127.0.0.1". */
export function hexToIPv4LE(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
}

/** Compresses 8 groups of 16 bits into RFC 5952 text ("::1", "fe80::1"). */
export function formatIPv6(groups: number[]): string {
  // IPv4-mapped addresses read better in their IPv4 form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** 32 hex digits in network order (ipv6_route, if_inet6) → IPv6 text. */
export function hexToIPv6(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  const groups: number[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16));
  return formatIPv6(groups);
}

/** 32 hex digits of /proc/net/tcp6: four little-endian 32-bit words → IPv6 text. */
export function hexToIPv6LE(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  let be = '';
  for (let w = 0; w < 32; w += 8) {
    const word = hex.slice(w, w + 8);
    be += word.slice(6, 8) + word.slice(4, 6) + word.slice(2, 4) + word.slice(0, 2);
  }
  return hexToIPv6(be);
}

export const TCP_STATES: Record<string, string> = {
  '01': 'established',
  '02': 'syn_sent',
  '03': 'syn_recv',
  '04': 'fin_wait1',
  '05': 'fin_wait2',
  '06': 'time_wait',
  '07': 'close',
  '08': 'close_wait',
  '09': 'last_ack',
  '0A': 'listen',
  '0B': 'closing',
  '0C': 'new_syn_recv',
};

export interface InetSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Hex state of the kernel ("0A" = LISTEN for TCP, "07" = unconnected UDP). */
  state: string;
  uid: number;
  inode: number;
}

/** /proc/net/{tcp,tcp6,udp,udp6}: one socket per line after the header. */
export function parseInetSockets(text: string, ipv6: boolean, onBad?: BadLine): InetSocket[] {
  const out: InetSocket[] = [];
  const decode = ipv6 ? hexToIPv6LE : hexToIPv4LE;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const [la, lp] = (f[1] ?? '').split(':');
    const [ra, rp] = (f[2] ?? '').split(':');
    const localAddress = la ? decode(la) : null;
    const remoteAddress = ra ? decode(ra) : null;
    if (f.length < 10 || !/^\d+:$/.test(f[0]!) || !localAddress || !remoteAddress || !/^[0-9A-F]{4}$/i.test(lp ?? '') || !/^[0-9A-F]{4}$/i.test(rp ?? '') || !/^[0-9A-F]{2}$/i.test(f[3]!) || !/^\d+$/.test(f[7]!) || !/^\d+$/.test(f[9]!)) {
      onBad?.(i + 1, 'not a socket line');
      continue;
    }
    out.push({
      localAddress,
      localPort: parseInt(lp!, 16),
      remoteAddress,
      remotePort: parseInt(rp!, 16),
      state: f[3]!.toUpperCase(),
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return out;
}

export interface UnixSocket {
  path: string;
  type: 'stream' | 'dgram' | 'seqpacket' | 'other';
  listening: boolean;
  inode: number;
}

const SO_ACCEPTCON = 0x10000;
const UNIX_TYPES: Record<string, UnixSocket['type']> = { '0001': 'stream', '0002': 'dgram', '0005': 'seqpacket' };

/** /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". */
export function parseUnixSockets(text: string, onBad?: BadLine): UnixSocket[] {
  const out: UnixSocket[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    // Only the start is trimmed: a path may end in spaces.
    const line = lines[i]!.trimStart();
    if (line.trim() === '') continue;
    const m = /^[0-9a-f]+:\s+[0-9a-f]{8}\s+[0-9a-f]{8}\s+([0-9a-f]{8})\s+([0-9a-f]{4})\s+[0-9a-f]{2}\s+(\d+)(?: (.*))?$/i.exec(line);
    if (!m) {
      onBad?.(i + 1, 'not a unix socket line');
      continue;
    }
    out.push({
      path: m[4] ?? '',
      type: UNIX_TYPES[m[2]!] ?? 'other',
      listening: (parseInt(m[1]!, 16) & SO_ACCEPTCON) !== 0,
      inode: Number(m[3]),
    });
  }
  return out;
}

export interface Route {
  family: 'ipv4' | 'ipv6';
  destination: string;
  prefix: number;
  gateway: string;
  interface: string;
  metric: number;
  flags: number;
}

const RTF_UP = 0x1;

function maskBits(mask: number): number | null {
  // A contiguous netmask: ones from the top.
  let bits = 0;
  while (bits < 32 && mask & (0x80000000 >>> bits)) bits++;
  return ((mask << bits) >>> 0) === 0 || bits === 32 ? bits : null;
}

/** /proc/net/route: little-endian hex addresses, hex flags, decimal metric. */
export function parseRoutes(text: string, onBad?: BadLine): Route[] {
  const out: Route[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const dest = hexToIPv4LE(f[1] ?? '');
    const gw = hexToIPv4LE(f[2] ?? '');
    const mask = hexToIPv4LE(f[7] ?? '');
    const flags = parseInt(f[3] ?? '', 16);
    const prefix = mask === null ? null : maskBits(mask.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0));
    if (f.length < 8 || !dest || !gw || prefix === null || Number.isNaN(flags) || !/^\d+$/.test(f[6]!)) {
      onBad?.(i + 1, 'not a route line');
      continue;
    }
    if (!(flags & RTF_UP)) continue;
    out.push({ family: 'ipv4', destination: dest, prefix, gateway: gw, interface: f[0]!, metric: Number(f[6]), flags });
  }
  return out;
}

/** /proc/net/ipv6_route: network-order hex, hex prefix lengths, metric and flags; no header. */
export function parseIPv6Routes(text: string, onBad?: BadLine): Route[] {
  const out: Route[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const dest = hexToIPv6(f[0] ?? '');
    const gw = hexToIPv6(f[4] ?? '');
    if (f.length < 10 || !dest || !gw || !/^[0-9a-f]{2}$/i.test(f[1]!) || !/^[0-9a-f]{8}$/i.test(f[5]!) || !/^[0-9a-f]{8}$/i.test(f[8]!)) {
      onBad?.(i + 1, 'not an ipv6_route line');
      continue;
    }
    const flags = parseInt(f[8]!, 16);
    if (!(flags & RTF_UP)) continue;
    out.push({ family: 'ipv6', destination: dest, prefix: parseInt(f[1]!, 16), gateway: gw, interface: f[9]!, metric: parseInt(f[5]!, 16), flags });
  }
  return out;
}

export interface ArpEntry {
  address: string;
  mac: string;
  interface: string;
  complete: boolean;
}

const ATF_COM = 0x2;

/** /proc/net/arp: "IP address HW type Flags HW address Mask Device". */
export function parseArp(text: string, onBad?: BadLine): ArpEntry[] {
  const out: ArpEntry[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    if (f.length < 6 || !/^\d+\.\d+\.\d+\.\d+$/.test(f[0]!) || !/^0x[0-9a-f]+$/i.test(f[2]!) || !/^([0-9a-f]{2}:)*[0-9a-f]{2}$/i.test(f[3]!)) {
      onBad?.(i + 1, 'not an ARP line');
      continue;
    }
    out.push({ address: f[0]!, mac: f[3]!.toLowerCase(), interface: f[5]!, complete: (parseInt(f[2]!, 16) & ATF_COM) !== 0 });
  }
  return out;
}

export interface InterfaceAddress {
  interface: string;
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
  scope: string;
}

const IPV6_SCOPES: Record<number, string> = { 0x00: 'global', 0x10: 'host', 0x20: 'link', 0x40: 'site' };

/** /proc/net/if_inet6: "address ifindex prefixlen scope flags name" in hex. */
export function parseIfInet6(text: string, onBad?: BadLine): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const address = hexToIPv6(f[0] ?? '');
    if (f.length !== 6 || !address || !/^[0-9a-f]+$/i.test(f[2]!) || !/^[0-9a-f]+$/i.test(f[3]!)) {
      onBad?.(i + 1, 'not an if_inet6 line');
      continue;
    }
    const scope = parseInt(f[3]!, 16);
    out.push({ interface: f[5]!, family: 'ipv6', address, prefix: parseInt(f[2]!, 16), scope: IPV6_SCOPES[scope & 0xf0] ?? 'other' });
  }
  return out;
}

/**
 * Local IPv4 addresses of /proc/net/fib_trie: the "/32 host LOCAL" leaves
 * (the kernel's local table), without duplicates.
 */
export function parseFibTrieLocal(text: string): string[] {
  const out = new Set<string>();
  let leaf: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*\|-- (\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (m) {
      leaf = m[1]!;
      continue;
    }
    if (leaf && /^\s*\/32 host LOCAL\s*$/.test(line)) out.add(leaf);
  }
  return [...out].sort();
}

/** IPv4 text → 32-bit number. */
export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

export function inIPv4Prefix(ip: string, network: string, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = prefix === 32 ? 0xffffffff : (~0 << (32 - prefix)) >>> 0;
  return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(network) & mask) >>> 0);
}

/**
 * A unix socket path with its per-instance parts folded, so the same service's socket is
 * recognised from one run to the next: long hex ids (`/run/containerd/s/<64 hex>`),
 * mkdtemp suffixes (`/tmp/app-Xy3kQz/`) and numbers (`/run/user/1000/bus`).
 */
export function socketPathPattern(p: string): string {
  return p
    .split('/')
    .map((c) =>
      c
        .replace(/[0-9a-f]{12,}/gi, '*')
        .replace(/([-_.])([A-Za-z0-9]{6})$/, (m, sep: string, r: string) => (/[a-z]/.test(r) && /[A-Z0-9]/.test(r) ? `${sep}*` : m))
        .replace(/\d+/g, 'N'),
    )
    .join('/');
}
