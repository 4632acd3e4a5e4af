import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isResolvedStub, parseNsswitchHosts, parseResolvConf } from '../../../src/collectors/network/dns.parse.js';
import { parseIptablesSave, parseNftRuleset } from '../../../src/collectors/network/firewall.parse.js';
import { ipv4Addresses } from '../../../src/collectors/network/interfaces.js';
import { parseLldpctlJson } from '../../../src/collectors/network/lldp.parse.js';
import {
  formatIPv6,
  hexToIPv4LE,
  hexToIPv6,
  hexToIPv6LE,
  parseArp,
  parseFibTrieLocal,
  parseIfInet6,
  parseInetSockets,
  parseIPv6Routes,
  parseRoutes,
  parseUnixSockets,
} from '../../../src/collectors/network/proc-net.parse.js';
import { globMatch, parseEndpoint } from '../../../src/collectors/network/tls-certs.parse.js';
import { fixturePath } from '../../helpers.js';

const cmd = (f: string) => readFileSync(fixturePath(`network-commands/${f}`), 'utf8');

describe('address decoding', () => {
  it('decodes little-endian IPv4 and IPv6 words and network-order IPv6', () => {
    expect(hexToIPv4LE('0100007F')).toBe('127.0.0.1');
    expect(hexToIPv4LE('00000000')).toBe('0.0.0.0');
    expect(hexToIPv4LE('xyz')).toBeNull();
    expect(hexToIPv6LE('00000000000000000000000001000000')).toBe('::1');
    expect(hexToIPv6LE('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(hexToIPv6('fe800000000000000000000000000001')).toBe('fe80::1');
    expect(hexToIPv6('20010db8000000000000000000000053')).toBe('2001:db8::53');
    expect(formatIPv6([1, 0, 2, 0, 0, 0, 0, 3])).toBe('1:0:2::3');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
  });
});

describe('/proc/net parsers', () => {
  it('reads tcp sockets and reports garbage lines', () => {
    const bad: number[] = [];
    const text = readFileSync(fixturePath('host-a/proc/net/tcp'), 'utf8');
    const socks = parseInetSockets(text, false, (l) => bad.push(l));
    expect(socks[0]).toEqual({ localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: 0, state: '0A', uid: 0, inode: 20211 });
    expect(socks).toHaveLength(7);
    expect(bad).toEqual([9]);
    expect(parseInetSockets('header\n   0: 0100007F:XYZ0 00000000:0000 0A\n\0\0\n', false, (l) => bad.push(l))).toEqual([]);
  });
  it('reads tcp6 sockets', () => {
    const socks = parseInetSockets(readFileSync(fixturePath('host-a/proc/net/tcp6'), 'utf8'), true);
    expect(socks.map((s) => `${s.localAddress}:${s.localPort}`)).toEqual([':::22', '::1:631']);
  });
  it('reads unix sockets, padded inodes and paths with spaces included', () => {
    const text = 'Num       RefCount Protocol Flags    Type St Inode Path\n0000: 00000002 00000000 00010000 0001 01 11842 /run/a b\n0000: 00000003 00000000 00000000 0001 03    27\nbroken\n';
    const bad: number[] = [];
    expect(parseUnixSockets(text, (l) => bad.push(l))).toEqual([
      { path: '/run/a b', type: 'stream', listening: true, inode: 11842 },
      { path: '', type: 'stream', listening: false, inode: 27 },
    ]);
    expect(bad).toEqual([4]);
  });
  it('reads IPv4 routes (masks to prefixes) and skips garbage', () => {
    const bad: number[] = [];
    const routes = parseRoutes(readFileSync(fixturePath('host-a/proc/net/route'), 'utf8'), (l) => bad.push(l));
    expect(routes.map((r) => `${r.destination}/${r.prefix} ${r.gateway} ${r.interface}`)).toEqual([
      '0.0.0.0/0 10.0.2.2 eth0',
      '10.0.2.0/24 0.0.0.0 eth0',
      '172.17.0.0/16 0.0.0.0 docker0',
      '10.0.2.2/32 0.0.0.0 eth0',
    ]);
    expect(bad).toEqual([6]);
  });
  it('reads IPv6 routes', () => {
    const routes = parseIPv6Routes(readFileSync(fixturePath('host-a/proc/net/ipv6_route'), 'utf8'));
    expect(routes[2]).toMatchObject({ destination: '::', prefix: 0, gateway: 'fe80::1', interface: 'eth0', metric: 1024 });
    expect(parseIPv6Routes('garbage\n')).toEqual([]);
  });
  it('reads ARP entries, if_inet6 and fib_trie local addresses', () => {
    expect(parseArp(readFileSync(fixturePath('host-a/proc/net/arp'), 'utf8'))[3]).toEqual({ address: '10.0.2.77', mac: '00:00:00:00:00:00', interface: 'eth0', complete: false });
    expect(parseIfInet6(readFileSync(fixturePath('host-a/proc/net/if_inet6'), 'utf8'))[2]).toEqual({ interface: 'eth0', family: 'ipv6', address: 'fe80::5054:ff:fe12:3456', prefix: 64, scope: 'link' });
    const local = parseFibTrieLocal(readFileSync(fixturePath('host-a/proc/net/fib_trie'), 'utf8'));
    expect(local).toEqual(['10.0.2.15', '127.0.0.1', '172.17.0.1']);
    const routes = parseRoutes(readFileSync(fixturePath('host-a/proc/net/route'), 'utf8'));
    expect(ipv4Addresses(local, routes, 'lo').map((a) => `${a.interface} ${a.address}/${a.prefix}`)).toEqual(['eth0 10.0.2.15/24', 'lo 127.0.0.1/8', 'docker0 172.17.0.1/16']);
  });
});

describe('DNS', () => {
  it('reads nameservers, search and options; rejects non-addresses', () => {
    const bad: number[] = [];
    const c = parseResolvConf('# c\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nnameserver bogus\nsearch a.example b.example\noptions edns0 trust-ad\n', (l) => bad.push(l));
    expect(c).toEqual({ nameservers: ['127.0.0.53', 'fe80::1%eth0'], search: ['a.example', 'b.example'], options: ['edns0', 'trust-ad'] });
    expect(bad).toEqual([4]);
    expect(isResolvedStub('127.0.0.53')).toBe(true);
  });
  it('reads the hosts line of nsswitch.conf', () => {
    expect(parseNsswitchHosts('passwd: files\nhosts:   files dns # comment\n')).toEqual(['files', 'dns']);
    expect(parseNsswitchHosts('passwd: files\n')).toBeNull();
  });
});

describe('firewall', () => {
  it('counts rules per chain with policies from iptables-save', () => {
    const chains = parseIptablesSave(cmd('iptables-save.txt'), 'ipv4');
    expect(chains.find((c) => c.chain === 'INPUT' && c.table === 'filter')).toEqual({ family: 'ipv4', table: 'filter', chain: 'INPUT', policy: 'DROP', hook: '', rules: 5 });
    expect(chains.find((c) => c.chain === 'LOGDROP')).toMatchObject({ policy: '', rules: 2 });
    expect(chains.find((c) => c.table === 'nat' && c.chain === 'POSTROUTING')).toMatchObject({ policy: 'ACCEPT', rules: 1 });
  });
  it('reports garbage and rules of undeclared chains', () => {
    const bad: string[] = [];
    parseIptablesSave('-A INPUT -j ACCEPT\n*filter\n:INPUT ACCEPT [0:0]\n-A NOPE -j DROP\nwhat is this\nCOMMIT\n', 'ipv4', (l, r) => bad.push(`${l} ${r}`));
    expect(bad).toHaveLength(3);
  });
  it('reads nft JSON', () => {
    const chains = parseNftRuleset(cmd('nft-list-ruleset.json'));
    expect(chains.find((c) => c.family === 'ip' && c.table === 'filter' && c.chain === 'INPUT')).toEqual({ family: 'ip', table: 'filter', chain: 'INPUT', policy: 'DROP', hook: 'input', rules: 5 });
    expect(chains.find((c) => c.family === 'ip6' && c.chain === 'INPUT')).toMatchObject({ policy: 'DROP', rules: 2 });
    expect(parseNftRuleset('{"nftables":[{"metainfo":{}}]}')).toEqual([]);
    expect(() => parseNftRuleset('not json')).toThrow(/not JSON/);
    expect(() => parseNftRuleset('{}')).toThrow(/no "nftables"/);
  });
});

describe('LLDP', () => {
  it('reads neighbours keyed by system name and without one', () => {
    const n = parseLldpctlJson(cmd('lldpctl.json'));
    expect(n).toHaveLength(2);
    expect(n[0]).toMatchObject({ interface: 'eth0', chassis_name: 'sw-core-01.example.net', chassis_id: '00:1b:54:aa:10:01', port_id: 'Gi1/0/12', mgmt_ip: '192.0.2.10', vlan_id: '10' });
    expect(n[1]).toMatchObject({ interface: 'eth1', chassis_name: '', chassis_id: '52:54:00:9a:bc:de', port_descr: 'ens3' });
    expect(parseLldpctlJson('{"lldp":{}}')).toEqual([]);
    expect(() => parseLldpctlJson('{"x":1}')).toThrow();
  });
});

describe('TLS helpers', () => {
  it('parses endpoints and globs', () => {
    expect(parseEndpoint('example.org')).toEqual({ host: 'example.org', port: 443 });
    expect(parseEndpoint('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    expect(parseEndpoint('a:b:c')).toBeNull();
    expect(parseEndpoint('host:99999')).toBeNull();
    expect(globMatch('*.crt', 'www.crt')).toBe(true);
    expect(globMatch('*.crt', 'www.crt.bak')).toBe(false);
    expect(globMatch('a?.pem', 'ab.pem')).toBe(true);
  });
});
