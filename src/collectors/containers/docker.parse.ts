import type Docker from 'dockerode';
import type { FactRow } from '../types.js';
import type { EngineInfo, FileChange, Reported, TopResult } from './docker-api.js';

type Inspect = Reported<Docker.ContainerInspectInfo>;
/** A host binding of a published port, as the engine reports it. */
type PortBinding = { HostIp?: string | null; HostPort?: string | null } | null;

/** Host paths whose bind mount gives a container power over the host. */
const SENSITIVE_PATHS = ['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/run', '/var/run', '/var/lib/docker', '/var/lib/kubelet', '/var/lib/containerd', '/usr', '/lib', '/home'];
const ENGINE_SOCKETS = /(^|\/)(docker|containerd|crio|podman)\.sock$/;

export const RISK_REASONS = [
  'privileged',
  'host_network',
  'host_pid',
  'host_ipc',
  'host_uts',
  'docker_socket',
  'sensitive_mount',
  'added_capabilities',
  'no_user_namespace',
  'rw_rootfs',
  'seccomp_unconfined',
  'apparmor_unconfined',
] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

export function shortId(id: string | null | undefined): string {
  return String(id ?? '').replace(/^sha256:/, '').slice(0, 12);
}

export function containerName(inspect: Pick<Inspect, 'Name'> | null | undefined): string {
  return String(inspect?.Name ?? '').replace(/^\//, '');
}

function isSensitive(source: string): boolean {
  const p = source.replace(/\/+$/, '') || '/';
  return SENSITIVE_PATHS.some((s) => p === s || (s !== '/' && p.startsWith(s + '/')));
}

/** Mounts of a container, from the inspect `Mounts` list (binds, volumes, tmpfs). */
export function mountRows(inspect: Inspect): FactRow[] {
  const id = shortId(inspect.Id);
  const name = containerName(inspect);
  return (inspect.Mounts ?? []).map((m) => ({
    id,
    name,
    type: String(m?.Type ?? ''),
    source: String(m?.Source ?? ''),
    destination: String(m?.Destination ?? ''),
    rw: m?.RW !== false,
    sensitive: m?.Type === 'bind' && (isSensitive(String(m?.Source ?? '')) || ENGINE_SOCKETS.test(String(m?.Source ?? ''))),
  }));
}

/** Published ports: the requested bindings, also when the engine could not wire them (no bridge). */
export function portRows(inspect: Inspect): FactRow[] {
  const id = shortId(inspect.Id);
  const name = containerName(inspect);
  const out: FactRow[] = [];
  const bindings = { ...(inspect.HostConfig?.PortBindings ?? {}), ...(inspect.NetworkSettings?.Ports ?? {}) } as Record<string, PortBinding[] | null | undefined>;
  for (const [spec, list] of Object.entries(bindings)) {
    const [port, protocol] = spec.split('/');
    for (const b of list ?? []) {
      out.push({ id, name, container_port: Number(port), protocol: protocol ?? 'tcp', host_ip: String(b?.HostIp || '0.0.0.0'), host_port: Number(b?.HostPort || 0) });
    }
  }
  const seen = new Set<string>();
  return out.filter((r) => {
    const k = `${r.container_port}/${r.protocol}/${r.host_ip}/${r.host_port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function networkRows(inspect: Inspect): FactRow[] {
  const id = shortId(inspect.Id);
  const name = containerName(inspect);
  return Object.entries((inspect.NetworkSettings?.Networks ?? {}) as Record<string, Reported<Docker.NetworkInfo> | null | undefined>).map(([network, n]) => ({
    id,
    name,
    network,
    ip_address: String(n?.IPAddress ?? ''),
  }));
}

/** Why a container weakens the host's isolation; one row per reason. */
export function riskReasons(inspect: Inspect, engineUsernsRemap: boolean): RiskReason[] {
  const hc = inspect.HostConfig ?? {};
  const reasons: RiskReason[] = [];
  if (hc.Privileged) reasons.push('privileged');
  if (hc.NetworkMode === 'host') reasons.push('host_network');
  if (hc.PidMode === 'host') reasons.push('host_pid');
  if (hc.IpcMode === 'host') reasons.push('host_ipc');
  if (hc.UTSMode === 'host') reasons.push('host_uts');
  const mounts = mountRows(inspect);
  if (mounts.some((m) => ENGINE_SOCKETS.test(String(m.source)))) reasons.push('docker_socket');
  if (mounts.some((m) => m.type === 'bind' && isSensitive(String(m.source)))) reasons.push('sensitive_mount');
  if ((hc.CapAdd ?? []).length > 0) reasons.push('added_capabilities');
  // Without userns-remap (or an explicit userns mode), root in the container is root on the host.
  if (!engineUsernsRemap || hc.UsernsMode === 'host') reasons.push('no_user_namespace');
  if (!hc.ReadonlyRootfs) reasons.push('rw_rootfs');
  const secopt: string[] = hc.SecurityOpt ?? [];
  if (secopt.some((o) => /^seccomp[=:]unconfined$/.test(o))) reasons.push('seccomp_unconfined');
  if (secopt.some((o) => /^apparmor[=:]unconfined$/.test(o))) reasons.push('apparmor_unconfined');
  return reasons;
}

export function containerRow(inspect: Inspect): FactRow {
  const state = inspect.State ?? {};
  return {
    id: shortId(inspect.Id),
    name: containerName(inspect),
    image: String(inspect.Config?.Image ?? ''),
    image_id: shortId(String(inspect.Image ?? '')),
    state: String(state.Status ?? 'unknown'),
    running: state.Running === true,
    restart_count: Number(inspect.RestartCount ?? 0),
    started_at: state.StartedAt && !String(state.StartedAt).startsWith('0001') ? Date.parse(state.StartedAt) / 1000 : null,
    created: inspect.Created ? Date.parse(inspect.Created) / 1000 : null,
    user: String(inspect.Config?.User ?? '') || 'root',
    network_mode: String(inspect.HostConfig?.NetworkMode ?? ''),
    cap_add: ((inspect.HostConfig?.CapAdd ?? []) as string[]).join(','),
    label_count: Object.keys(inspect.Config?.Labels ?? {}).length,
  };
}

/** Labels as rows: names are kept, values too (labels are metadata the owner chose to publish). */
export function labelRows(inspect: Inspect): FactRow[] {
  return Object.entries((inspect.Config?.Labels ?? {}) as Record<string, string>).map(([label, value]) => ({
    id: shortId(inspect.Id),
    name: containerName(inspect),
    label,
    value: String(value),
  }));
}

/** Resource usage from a one-shot stats sample (cgroup v1 and v2 shapes). */
export function statsRow(id: string, name: string, s: Reported<Docker.ContainerStats> | null | undefined): FactRow {
  const sumNet = (field: string) =>
    Object.values((s?.networks ?? {}) as Record<string, Record<string, unknown> | null | undefined>).reduce((a, n) => a + Number(n?.[field] ?? 0), 0);
  const blk = (op: string) =>
    (s?.blkio_stats?.io_service_bytes_recursive ?? [])
      .filter((e) => String(e?.op).toLowerCase() === op)
      .reduce((a, e) => a + Number(e?.value ?? 0), 0);
  const mem = s?.memory_stats ?? {};
  // Like `docker stats`: page cache is not the container's working set.
  const cache = Number(mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? 0);
  return {
    id,
    name,
    cpu_seconds: Number(s?.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
    memory_bytes: Math.max(0, Number(mem.usage ?? 0) - cache),
    memory_limit_bytes: Number(mem.limit ?? 0) || null,
    network_rx_bytes: sumNet('rx_bytes'),
    network_tx_bytes: sumNet('tx_bytes'),
    block_read_bytes: blk('read'),
    block_write_bytes: blk('write'),
    pids: Number(s?.pids_stats?.current ?? 0),
  };
}

/** `docker top`: the process count and each process's executable (first word), never its arguments. */
export function topRows(id: string, name: string, top: Reported<TopResult> | null | undefined): FactRow[] {
  const titles: string[] = top?.Titles ?? [];
  const pidAt = titles.indexOf('PID');
  const cmdAt = titles.indexOf('CMD') >= 0 ? titles.indexOf('CMD') : titles.indexOf('COMMAND');
  const uidAt = titles.indexOf('UID');
  return ((top?.Processes ?? []) as string[][]).map((p) => ({
    id,
    name,
    pid: Number(p[pidAt] ?? 0),
    user: String(p[uidAt] ?? ''),
    executable: String(p[cmdAt] ?? '').split(/\s+/)[0] ?? '',
  }));
}

const CHANGE_KIND = ['modified', 'added', 'deleted'];

export function changeRows(id: string, name: string, changes: Reported<FileChange>[] | null): FactRow[] {
  return (changes ?? []).map((c) => ({ id, name, path: String(c.Path ?? ''), kind: CHANGE_KIND[Number(c.Kind)] ?? 'unknown' }));
}

export function engineUsernsRemap(info: Reported<EngineInfo> | null | undefined): boolean {
  return ((info?.SecurityOptions ?? []) as string[]).some((o) => /name=userns/.test(o));
}
