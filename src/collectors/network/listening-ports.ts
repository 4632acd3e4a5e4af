import { DirectProcSource } from '../processes/proc-source.js';
import { parseExeLink, parseNamespaceLink, parseStat } from '../processes/processes.parse.js';
import { mapLimit } from '../../util/concurrency.js';
import { attemptSync, listPids, readFdTargets, socketInodes } from '../processes/procfs.js';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { badLineReporter, readNetFile } from './common.js';
import { parseInetSockets, parseUnixSockets, type InetSocket } from './proc-net.parse.js';

interface Owner {
  pid: number;
  process: string;
  exe: string;
}

interface ProcessView {
  /** Socket inode → the lowest pid holding it (pre-forked workers share listeners). */
  owners: Map<number, Owner>;
  /** Network namespace inode → pids in it, lowest first. */
  namespaces: Map<number, number[]>;
}

/** Who holds which socket, and which network namespaces the processes live in. */
async function processView(ctx: CollectContext, src: DirectProcSource, pids: number[]): Promise<ProcessView> {
  const owners = new Map<number, Owner>();
  const namespaces = new Map<number, number[]>();
  await mapLimit(
    pids,
    8,
    (pid) => {
      const ns = attemptSync(() => src.readlink(`${pid}/ns/net`));
      const inode = ns.ok ? parseNamespaceLink(ns.value) : null;
      if (inode !== null) {
        if (!namespaces.has(inode)) namespaces.set(inode, []);
        namespaces.get(inode)!.push(pid);
      }
      const fds = attemptSync(() => readFdTargets(src, pid));
      const sockets = fds.ok ? socketInodes(fds.value) : [];
      if (sockets.length === 0) return;
      const stat = attemptSync(() => src.readText(`${pid}/stat`));
      const exe = attemptSync(() => src.readlink(`${pid}/exe`));
      const owner: Owner = {
        pid,
        process: (stat.ok ? parseStat(stat.value)?.comm : null) ?? '',
        exe: exe.ok ? parseExeLink(exe.value).path : '',
      };
      for (const s of sockets) {
        const prev = owners.get(s);
        if (!prev || prev.pid > pid) owners.set(s, owner);
      }
    },
    ctx.signal,
  );
  return { owners, namespaces };
}

const PROTOCOLS = [
  { file: 'tcp', protocol: 'tcp', family: 'ipv4', ipv6: false },
  { file: 'tcp6', protocol: 'tcp', family: 'ipv6', ipv6: true },
  { file: 'udp', protocol: 'udp', family: 'ipv4', ipv6: false },
  { file: 'udp6', protocol: 'udp', family: 'ipv6', ipv6: true },
] as const;

const TCP_LISTEN = '0A';
const TCP_ESTABLISHED = '01';
/** An unconnected UDP socket is in TCP_CLOSE (07); a connected one is ESTABLISHED. */
const UDP_UNCONNECTED = '07';

function isListening(protocol: 'tcp' | 'udp', s: InetSocket): boolean {
  return protocol === 'tcp' ? s.state === TCP_LISTEN : s.state === UDP_UNCONNECTED && s.remotePort === 0;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

export const listeningPorts = defineCollector({
  name: 'listening_ports',
  area: 'network',
  description:
    'Listening TCP/UDP/unix sockets from /proc/<pid>/net/{tcp,tcp6,udp,udp6,unix} of every network namespace in use, ' +
    'joined to their process through /proc/<pid>/fd socket inodes; established TCP connections by remote port.',
  defaultEnabled: true,
  interval: MINUTE,
  timeout: 20 * SECOND,
  tables: [
    {
      name: 'listening_ports',
      key: ['protocol', 'address', 'port', 'netns'],
      description: 'One row per listening TCP socket or unconnected bound UDP socket (address, port) per network namespace.',
      drift: true,
      volatile: ['inode', 'pid', 'sockets'],
    },
    { name: 'unix_listening', key: ['netns', 'path', 'type'], description: 'Listening unix stream/seqpacket sockets with a path.', drift: true, volatile: ['inode', 'pid'] },
    { name: 'listening_summary', key: ['protocol'], description: 'Listening sockets per protocol, and how many are bound to a wildcard address.' },
    { name: 'established_by_remote_port', key: ['remote_port'], description: 'Established TCP connections per remote port (top N, the rest as "other").' },
  ],
  options: [
    { name: 'top_remote_ports', type: 'int', default: 20, help: 'Remote ports reported in hostbaseline_tcp_established_connections; the rest count as "other".' },
  ],
  async collect(ctx) {
    const all = (await listPids(ctx.fs)) ?? [];
    // Bounded before any process is read: sockets of processes past the limit have no owner.
    const pids = all.length > ctx.limits.rows ? all.slice(0, ctx.limits.rows) : all;
    if (pids !== all) ctx.capped('/proc', pids.length, all.length);
    const src = pids.length ? await DirectProcSource.open(ctx.fs) : null;
    const view = src ? await processView(ctx, src, pids) : { owners: new Map<number, Owner>(), namespaces: new Map<number, number[]>() };
    // One reader per namespace; with no namespace readable, the host's own /proc/net.
    const targets: { netns: string; pids: number[] }[] = [...view.namespaces].map(([ns, p]) => ({ netns: String(ns), pids: p }));
    if (targets.length === 0) targets.push({ netns: '', pids: [1] });

    const ports = new Map<string, FactRow>();
    const unix = new Map<string, FactRow>();
    const established = new Map<number, number>();
    for (const t of targets) {
      // A process may exit or deny its /proc/<pid>/net: try the next of the namespace.
      const read = async (name: string) => {
        for (const pid of t.pids.slice(0, 5)) {
          const f = await readNetFile(ctx.fs, name, pid);
          if (f) return f;
        }
        return t.pids.includes(1) ? null : readNetFileOfHostIfFirst(ctx, name, t.netns, targets);
      };
      for (const p of PROTOCOLS) {
        const file = await read(p.file);
        if (!file) continue;
        for (const s of parseInetSockets(file.text, p.ipv6, badLineReporter(ctx.parseError, file.path))) {
          if (p.protocol === 'tcp' && s.state === TCP_ESTABLISHED) established.set(s.remotePort, (established.get(s.remotePort) ?? 0) + 1);
          if (!isListening(p.protocol, s)) continue;
          const key = `${p.protocol} ${s.localAddress} ${s.localPort} ${t.netns}`;
          const prev = ports.get(key);
          if (prev) {
            prev.sockets = Number(prev.sockets) + 1; // SO_REUSEPORT groups
            continue;
          }
          const owner = view.owners.get(s.inode);
          ports.set(key, {
            protocol: p.protocol,
            family: p.family,
            address: s.localAddress,
            port: s.localPort,
            netns: t.netns,
            wildcard: isWildcard(s.localAddress),
            loopback: isLoopback(s.localAddress),
            uid: s.uid,
            inode: s.inode,
            sockets: 1,
            pid: owner?.pid ?? null,
            process: owner?.process ?? '',
            exe: owner?.exe ?? '',
          });
        }
      }
      const unixFile = await read('unix');
      if (unixFile) {
        for (const s of parseUnixSockets(unixFile.text, badLineReporter(ctx.parseError, unixFile.path))) {
          if (!s.listening || !s.path || s.type === 'dgram') continue;
          const key = `${t.netns} ${s.path} ${s.type}`;
          if (unix.has(key)) continue;
          const owner = view.owners.get(s.inode);
          unix.set(key, { netns: t.netns, path: s.path, type: s.type, inode: s.inode, pid: owner?.pid ?? null, process: owner?.process ?? '', exe: owner?.exe ?? '' });
        }
      }
    }

    const rows = [...ports.values()];
    const summary: FactRow[] = (['tcp', 'udp'] as const).map((protocol) => ({
      protocol,
      count: rows.filter((r) => r.protocol === protocol).length,
      wildcard: rows.filter((r) => r.protocol === protocol && r.wildcard).length,
    }));
    summary.push({ protocol: 'unix', count: unix.size, wildcard: 0 });
    const top = Math.max(0, Number(ctx.options.top_remote_ports));
    const byCount = [...established].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const estRows: FactRow[] = byCount.slice(0, top).map(([port, count]) => ({ remote_port: String(port), count }));
    const rest = byCount.slice(top).reduce((n, [, c]) => n + c, 0);
    if (rest > 0) estRows.push({ remote_port: 'other', count: rest });
    const nothing = pids.length === 0 && rows.length === 0 && unix.size === 0;
    return [
      { name: 'listening_ports', rows },
      { name: 'unix_listening', rows: [...unix.values()] },
      { name: 'listening_summary', rows: nothing ? [] : summary },
      { name: 'established_by_remote_port', rows: estRows },
    ];
  },
});

/**
 * The host's namespace whose processes all refuse /proc/<pid>/net: when it is the
 * first namespace (that of the lowest pids), /proc/net of PID 1 is still the
 * host's view.
 */
async function readNetFileOfHostIfFirst(ctx: CollectContext, name: string, netns: string, targets: { netns: string }[]) {
  return targets[0]?.netns === netns ? readNetFile(ctx.fs, name, 1) : null;
}
