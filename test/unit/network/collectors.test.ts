import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arp } from '../../../src/collectors/network/arp.js';
import { dns } from '../../../src/collectors/network/dns.js';
import { firewall } from '../../../src/collectors/network/firewall.js';
import { interfaces } from '../../../src/collectors/network/interfaces.js';
import { listeningPorts } from '../../../src/collectors/network/listening-ports.js';
import { lldp } from '../../../src/collectors/network/lldp.js';
import { routes } from '../../../src/collectors/network/routes.js';
import { tlsCerts } from '../../../src/collectors/network/tls-certs.js';
import { networkCollectors } from '../../../src/collectors/network/index.js';
import { readFileSync } from 'node:fs';
import { collectOnce, fakeCommands, fixturePath, tempDir } from '../../helpers.js';

const HOST_A = fixturePath('host-a');
const EMPTY = fixturePath('host-empty');
const out = (f: string) => ({ code: 0, stdout: readFileSync(fixturePath(`network-commands/${f}`), 'utf8'), stderr: '' });

describe('every network collector', () => {
  it.each(networkCollectors.map((c) => [c.name, c] as const))('%s succeeds with no rows on an empty host', async (_, spec) => {
    const { state, tables } = await collectOnce(spec, EMPTY);
    expect(state.success, state.lastError ?? '').toBe(true);
    for (const rows of Object.values(tables)) expect(rows).toEqual([]);
  });
});

describe('listening_ports on host-a', () => {
  it('joins sockets to processes per network namespace', async () => {
    const { state, tables, samples } = await collectOnce(listeningPorts, HOST_A);
    expect(state.success).toBe(true);
    expect(state.parseErrorsTotal).toBe(2); // the garbage lines of tcp and unix
    const rows = tables.listening_ports!;
    expect(rows.find((r) => r.port === 4444)).toMatchObject({ process: 'kworker/0:2', exe: '/tmp/.X11-unix/.k/kworkerd', wildcard: true, pid: 2048 });
    expect(rows.find((r) => r.port === 80 && r.family === 'ipv4')).toMatchObject({ netns: '4026532304', process: 'nginx' });
    expect(rows.find((r) => r.port === 53)).toMatchObject({ protocol: 'udp', address: '127.0.0.53', loopback: true, process: '' });
    expect(rows.some((r) => r.port === 41000)).toBe(false); // a connected UDP socket does not listen
    expect(tables.unix_listening!.map((r) => r.path)).toContain('/run/systemd/private');
    expect(tables.unix_listening!.map((r) => r.path)).not.toContain('/run/systemd/journal/socket'); // datagram
    expect(samples).toContain('hostbaseline_tcp_established_connections{direction="outbound"} 2');
  });
  it('counts established connections by direction and listening port, never by the peer\'s ephemeral port', async () => {
    const { tables, samples } = await collectOnce(listeningPorts, HOST_A);
    // ssh from 203.0.113.9:51544 on the host, http from 172.17.0.1:55012 in nginx's namespace; two to :443 out.
    expect(tables.established_connections).toEqual([
      { direction: 'inbound', count: 2 },
      { direction: 'outbound', count: 2 },
    ]);
    expect(tables.established_inbound).toEqual([
      { port: 22, count: 1 },
      { port: 80, count: 1 },
    ]);
    expect(samples).not.toMatch(/51544|55012/);
  });
});

describe('interfaces, arp, routes, dns on host-a', () => {
  it('flags the promiscuous interface and maps addresses', async () => {
    const { tables } = await collectOnce(interfaces, HOST_A);
    expect(tables.interfaces!.find((r) => r.interface === 'ens4')).toMatchObject({ promiscuous: true, up: false, carrier: false, speed_mbps: null, mtu: 9000 });
    expect(tables.interfaces!.map((r) => r.interface)).not.toContain('bonding_masters');
    expect(tables.interface_addresses!.find((r) => r.address === '10.0.2.15')).toMatchObject({ interface: 'eth0', prefix: 24 });
  });
  it('flags a MAC answering for two IPs', async () => {
    const { tables } = await collectOnce(arp, HOST_A);
    expect(tables.arp_entries!.filter((r) => r.duplicate_mac).map((r) => r.address)).toEqual(['10.0.2.2', '10.0.2.40']);
    expect(tables.arp_summary).toEqual([{ entries: 5, duplicate_macs: 1 }]);
  });
  it('keeps main-table routes with defaults', async () => {
    const { tables } = await collectOnce(routes, HOST_A);
    expect(tables.route_summary).toEqual([
      { family: 'ipv4', routes: 4, default_routes: 1 },
      { family: 'ipv6', routes: 3, default_routes: 1 },
    ]);
  });
  it('reads resolvers and notes the resolved stub', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'etc'));
    mkdirSync(path.join(root, 'run/systemd/resolve'), { recursive: true });
    writeFileSync(path.join(root, 'etc/resolv.conf'), 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n');
    writeFileSync(path.join(root, 'run/systemd/resolve/resolv.conf'), 'nameserver 192.0.2.53\nnameserver 2001:db8::35\n');
    const { tables } = await collectOnce(dns, root);
    expect(tables.dns_resolvers).toEqual([{ position: 1, address: '127.0.0.53', family: 'ipv4', resolved_stub: true }]);
    expect(tables.dns_config![0]).toMatchObject({ resolved_stub: true, upstream_nameservers: '192.0.2.53 2001:db8::35', nsswitch_hosts: '', hosts_uses_dns: null });
    rmSync(root, { recursive: true });
  });
});

describe('bad input', () => {
  it('fails on an oversized /proc/net file, naming it', async () => {
    const { state } = await collectOnce(routes, HOST_A, { maxFileBytes: 64 });
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/\/proc\/net\/route: file too large/);
  });
  it('fails on a directory where /proc/net/arp should be', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'proc/net/arp'), { recursive: true });
    const { state } = await collectOnce(arp, root);
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/\/proc\/net\/arp: not a regular file/);
    rmSync(root, { recursive: true });
  });
  it('reads nothing but garbage as zero rows and parse errors', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'proc/net'), { recursive: true });
    for (const f of ['tcp', 'tcp6', 'udp', 'udp6', 'unix']) writeFileSync(path.join(root, 'proc/net', f), 'header\n\0\0\0garbage\n' + 'x'.repeat(500) + '\n');
    const { state, tables } = await collectOnce(listeningPorts, root);
    expect(state.success).toBe(true);
    expect(tables.listening_ports).toEqual([]);
    expect(state.parseErrorsTotal).toBe(10);
    rmSync(root, { recursive: true });
  });
});

describe('firewall', () => {
  it('reports nothing when no firewall program is installed', async () => {
    const { state, tables } = await collectOnce(firewall, HOST_A);
    expect(state.success).toBe(true);
    expect(tables.firewall_chains).toEqual([]);
  });
  it('reads iptables-save, ip6tables-save and nft output', async () => {
    const commands = fakeCommands({
      'iptables-save': () => out('iptables-save.txt'),
      'ip6tables-save': () => out('ip6tables-save.txt'),
      nft: (args) => {
        expect(args).toEqual(['-j', 'list', 'ruleset']);
        return out('nft-list-ruleset.json');
      },
    });
    const { state, tables, samples } = await collectOnce(firewall, HOST_A, { commands });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.firewall_summary).toEqual([
      { source: 'ip6tables', tables: 1, chains: 3, rules: 2 },
      { source: 'iptables', tables: 2, chains: 8, rules: 8 },
      { source: 'nftables', tables: 3, chains: 5, rules: 10 }, // iptables-nft creates only the chains it uses
    ]);
    expect(samples).toContain('hostbaseline_firewall_chain_policy_info{source="iptables",family="ipv4",table="filter",chain="INPUT",policy="DROP",hook=""} 1');
  });
  it('fails when a program fails', async () => {
    const commands = fakeCommands({ 'iptables-save': () => ({ code: 1, stdout: '', stderr: 'iptables-save v1.8.9 (legacy): Cannot initialize: Permission denied (you must be root)\n' }) });
    const { state } = await collectOnce(firewall, HOST_A, { commands });
    expect(state.success).toBe(false);
    expect(state.lastError).toMatch(/iptables-save: exit 1: .*Permission denied/);
  });
});

describe('lldp', () => {
  it('reads lldpctl JSON when installed', async () => {
    const { state, tables, samples } = await collectOnce(lldp, HOST_A, { commands: fakeCommands({ lldpctl: () => out('lldpctl.json') }) });
    expect(state.success).toBe(true);
    expect(tables.lldp_neighbors).toHaveLength(2);
    expect(samples).toContain('chassis_name="sw-core-01.example.net"');
  });
  it('fails on output that is not lldpctl JSON', async () => {
    const { state } = await collectOnce(lldp, HOST_A, { commands: fakeCommands({ lldpctl: () => ({ code: 0, stdout: '<xml/>', stderr: '' }) }) });
    expect(state.success).toBe(false);
  });
});

describe('tls_certs files', () => {
  it('reads PEM bundles, DER files and reports a broken block', async () => {
    const { state, tables } = await collectOnce(tlsCerts, HOST_A, { options: { paths: ['/srv/www/tls'] } });
    expect(state.success).toBe(true);
    expect(state.parseErrorsTotal).toBe(1);
    const rows = tables.tls_certificates!;
    expect(rows.map((r) => r.subject).sort()).toEqual(['CN=Example Internal CA, O=Example', 'CN=old.example.org, O=Example', 'CN=www.example.org, O=Example']);
    expect(rows.find((r) => r.subject === 'CN=old.example.org, O=Example')).toMatchObject({ not_after: 1704067200, kind: 'file' });
    expect(Number(rows.find((r) => r.subject === 'CN=old.example.org, O=Example')!.days_left)).toBeLessThan(0);
  });
  it('never opens a FIFO or device in a certificate directory', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'certs'));
    cpSync(path.join(HOST_A, 'srv/www/tls/www.example.org.crt'), path.join(root, 'certs/www.crt'));
    execFileSync('mkfifo', [path.join(root, 'certs/fifo.pem')]);
    const { state, tables } = await collectOnce(tlsCerts, root, { options: { paths: ['/certs'] }, timeout: 5000 });
    expect(state.success, state.lastError ?? '').toBe(true);
    expect(tables.tls_certificates).toHaveLength(2);
    rmSync(root, { recursive: true });
  });
  it('rejects a relative path', async () => {
    const { state } = await collectOnce(tlsCerts, HOST_A, { options: { paths: ['srv/www'] } });
    expect(state.success).toBe(false);
  });
});
