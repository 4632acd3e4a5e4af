import { attemptSync, readFdTargets, socketInodes } from '../../host/procfs/fd.js';
import { parseExeLink } from '../../host/procfs/links.parse.js';
import { readNamespaceInode } from '../../host/procfs/namespaces.js';
import { parsePidStat } from '../../host/procfs/pid-stat.parse.js';
import { DirectProcSource } from '../../host/procfs/proc-source.js';
import { mapLimit } from '../../util/concurrency.js';
import { listPids } from '../../host/procfs/pids.js';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { badLineReporter, readNetFile } from './common.js';
import { parseInetSockets, parseUnixSockets, socketPathPattern, type InetSocket } from './proc-net.parse.js';

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
      const ns = attemptSync(() => readNamespaceInode(src, pid, 'net'));
      const inode = ns.ok ? ns.value : null;
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
        process: (stat.ok ? parsePidStat(stat.value)?.comm : null) ?? '',
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
    'joined to their process through /proc/<pid>/fd socket inodes; established TCP connections inbound (per listening port) and outbound.',
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
      columns: [
        { name: 'protocol', type: 'string', description: 'tcp or udp.' },
        { name: 'family', type: 'string', description: 'ipv4 or ipv6.' },
        { name: 'address', type: 'string', description: 'Local address the socket is bound to.' },
        { name: 'port', type: 'int', description: 'Local port.' },
        { name: 'netns', type: 'string', description: 'Network namespace inode; empty when no namespace could be read.' },
        { name: 'wildcard', type: 'bool', description: 'Bound to 0.0.0.0 or ::, reachable from every interface.' },
        { name: 'loopback', type: 'bool', description: 'Bound to a loopback address.' },
        { name: 'uid', type: 'int', description: 'Owner uid of the socket.' },
        { name: 'inode', type: 'int', description: 'Socket inode.' },
        { name: 'sockets', type: 'int', description: 'Sockets on this address and port (SO_REUSEPORT groups).' },
        { name: 'pid', type: 'int', description: 'Lowest pid holding the socket; null when no owner could be seen.' },
        { name: 'process', type: 'string', description: 'Command name of that process.' },
        { name: 'exe', type: 'string', description: 'Executable of that process.' },
      ],
    },
    {
      name: 'unix_listening',
      key: ['netns', 'path', 'type'],
      description: 'Listening unix stream/seqpacket sockets with a path.',
      drift: {
        on: 'aggregate',
        by: ['netns', 'path_pattern', 'type', 'exe'],
        identity: (r) => ({ netns: r.netns ?? null, path_pattern: socketPathPattern(String(r.path ?? '')), type: r.type ?? null, exe: r.exe ?? '' }),
        count: 'sockets',
        settle: { seconds: 600 },
        why: 'Runtimes name sockets after container ids and temporary directories (/run/containerd/s/<hash>, /tmp/x-Ab12Cd/): sockets are grouped by path with those parts folded, type and owning executable; a group is gone 10 minutes after its last socket.',
      },
      volatile: ['inode', 'pid'],
      columns: [
        { name: 'netns', type: 'string', description: 'Network namespace inode.' },
        { name: 'path', type: 'string', description: 'Socket path; abstract names start with @.' },
        { name: 'type', type: 'string', description: 'stream or seqpacket.' },
        { name: 'inode', type: 'int', description: 'Socket inode.' },
        { name: 'pid', type: 'int', description: 'Lowest pid holding the socket; null when no owner could be seen.' },
        { name: 'process', type: 'string', description: 'Command name of that process.' },
        { name: 'exe', type: 'string', description: 'Executable of that process.' },
      ],
    },
    {
      name: 'listening_summary',
      key: ['protocol'],
      description: 'Listening sockets per protocol, and how many are bound to a wildcard address.',
      columns: [
        { name: 'protocol', type: 'string', description: 'tcp, udp or unix.' },
        { name: 'count', type: 'int', description: 'Listening sockets (unix: with a path).' },
        { name: 'wildcard', type: 'int', description: 'Of those, bound to a wildcard address.' },
      ],
    },
    {
      name: 'established_connections',
      key: ['direction'],
      description: 'Established TCP connections inbound (to a listening port) and outbound.',
      columns: [
        { name: 'direction', type: 'string', description: 'inbound (the local port listens in the same namespace) or outbound.' },
        { name: 'count', type: 'int', description: 'Established TCP connections.' },
      ],
    },
    {
      name: 'established_inbound',
      key: ['port'],
      description: "Established inbound TCP connections per listening port (never the peer's ephemeral port).",
      columns: [
        { name: 'port', type: 'int', description: 'Local listening port.' },
        { name: 'count', type: 'int', description: 'Established connections to it.' },
      ],
    },
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
    // Inbound when the local port listens in the same namespace; the peer's port is ephemeral and never kept.
    const inbound = new Map<number, number>();
    let outbound = 0;
    for (const t of targets) {
      // A process may exit or deny its /proc/<pid>/net: try the next of the namespace.
      const read = async (name: string) => {
        for (const pid of t.pids.slice(0, 5)) {
          const f = await readNetFile(ctx.fs, name, pid);
          if (f) return f;
        }
        return t.pids.includes(1) ? null : readNetFileOfHostIfFirst(ctx, name, t.netns, targets);
      };
      const tcpListening = new Set<number>();
      const establishedLocalPorts: number[] = [];
      for (const p of PROTOCOLS) {
        const file = await read(p.file);
        if (!file) continue;
        for (const s of parseInetSockets(file.text, p.ipv6, badLineReporter(ctx.parseError, file.path))) {
          if (p.protocol === 'tcp' && s.state === TCP_ESTABLISHED) establishedLocalPorts.push(s.localPort);
          if (!isListening(p.protocol, s)) continue;
          if (p.protocol === 'tcp') tcpListening.add(s.localPort);
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
      for (const port of establishedLocalPorts) {
        if (tcpListening.has(port)) inbound.set(port, (inbound.get(port) ?? 0) + 1);
        else outbound++;
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
    const inboundTotal = [...inbound.values()].reduce((n, c) => n + c, 0);
    const inboundRows: FactRow[] = [...inbound].sort((a, b) => a[0] - b[0]).map(([port, count]) => ({ port, count }));
    const nothing = pids.length === 0 && rows.length === 0 && unix.size === 0;
    return [
      { name: 'listening_ports', rows },
      { name: 'unix_listening', rows: [...unix.values()] },
      { name: 'listening_summary', rows: nothing ? [] : summary },
      {
        name: 'established_connections',
        rows: nothing ? [] : [
          { direction: 'inbound', count: inboundTotal },
          { direction: 'outbound', count: outbound },
        ],
      },
      { name: 'established_inbound', rows: inboundRows },
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
