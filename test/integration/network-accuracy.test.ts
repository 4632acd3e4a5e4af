import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningPorts } from '../../src/collectors/network/listening-ports.js';
import { routes } from '../../src/collectors/network/routes.js';
import { createCommandRunner } from '../../src/host/commands.js';
import { systemClock } from '../../src/util/clock.js';
import { collectOnce } from '../helpers.js';
import { hasProgram } from '../support/programs.js';

// In CI a missing ss or ip fails here instead of skipping.
const tools = hasProgram('ss') && hasProgram('ip');

const run = (o = {}) => ({ clock: systemClock, commands: createCommandRunner(), ...o });
const ownNetns = () => /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))![1]!;

/** `ss -ltnH` as "address port" strings: `*` (dual-stack ::), `[::]`, `%iface` suffixes normalized. */
function ssListeners(): Set<string> {
  const out = new Set<string>();
  for (const line of execFileSync('ss', ['-ltnH'], { encoding: 'utf8' }).split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (!local) continue;
    const i = local.lastIndexOf(':');
    let addr = local.slice(0, i).replace(/%[^\]]*$/, '').replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
    if (addr === '*') addr = '::';
    out.add(`${addr} ${local.slice(i + 1)}`);
  }
  return out;
}

describe.skipIf(!tools)('listening_ports equals ss -ltn on this machine', () => {
  const servers: net.Server[] = [];
  const ports: Record<string, number> = {};
  beforeAll(async () => {
    for (const host of ['127.0.0.1', '::1', '0.0.0.0', '::']) {
      const s = net.createServer();
      await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, host, resolve));
      servers.push(s);
      ports[host] = (s.address() as net.AddressInfo).port;
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('reports the same TCP (address, port) set for our network namespace', async () => {
    const before = ssListeners();
    const { state, tables } = await collectOnce(listeningPorts, '/', run());
    const after = ssListeners();
    expect(state.success, state.lastError ?? '').toBe(true);
    const ns = ownNetns();
    const ours = new Set(tables.listening_ports!.filter((r) => r.protocol === 'tcp' && r.netns === ns).map((r) => `${r.address} ${r.port}`));
    // Other programs may open or close listeners while we look: compare with what ss saw both times or either time.
    const stable = [...before].filter((x) => after.has(x));
    for (const x of stable) expect(ours, `missing ${x}`).toContain(x);
    for (const x of ours) expect(before.has(x) || after.has(x), `extra ${x}`).toBe(true);
    for (const [host, port] of Object.entries(ports)) {
      const row = tables.listening_ports!.find((r) => r.protocol === 'tcp' && r.port === port && r.address === host);
      expect(row, `${host}:${port}`).toMatchObject({ pid: process.pid, exe: process.execPath, wildcard: host === '0.0.0.0' || host === '::' });
    }
  });
});

/** `ip route show table main` as "destination/prefix gateway dev" strings. */
function ipRoutes(family: '-4' | '-6'): Set<string> {
  const out = new Set<string>();
  for (const line of execFileSync('ip', [family, 'route', 'show', 'table', 'main'], { encoding: 'utf8' }).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!f[0] || ['unreachable', 'blackhole', 'prohibit', 'throw', 'multicast', 'broadcast', 'local', 'anycast', 'nat'].includes(f[0])) continue;
    let dest = f[0] === 'default' ? (family === '-4' ? '0.0.0.0/0' : '::/0') : f[0];
    if (!dest.includes('/')) dest += family === '-4' ? '/32' : '/128';
    const at = (k: string) => (f.indexOf(k) >= 0 ? f[f.indexOf(k) + 1]! : '');
    out.add(`${dest} ${at('via')} ${at('dev')}`);
  }
  return out;
}

describe.skipIf(!tools)('routes equal ip route show table main', () => {
  it.each(['-4', '-6'] as const)('ip %s route', async (family) => {
    const { state, tables } = await collectOnce(routes, '/', run());
    expect(state.success, state.lastError ?? '').toBe(true);
    const fam = family === '-4' ? 'ipv4' : 'ipv6';
    const ours = new Set(tables.routes!.filter((r) => r.family === fam).map((r) => `${r.destination}/${r.prefix} ${r.gateway} ${r.interface}`));
    expect(ours).toEqual(ipRoutes(family));
  });
});
