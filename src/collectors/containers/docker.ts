import type { HostFs } from '../../host/hostfs.js';
import { isNotFound } from '../../host/hostfs.js';
import { mapLimit } from '../../util/concurrency.js';
import { defineCollector, SECOND, type CollectContext, type CollectorSpec, type FactRow, type FactTable } from '../types.js';
import type Docker from 'dockerode';
import { dockerodeApi, type DockerApi, type DockerEndpoint, type EngineInfo, type Reported } from './docker-api.js';
import {
  changeRows,
  containerRow,
  engineUsernsRemap,
  labelRows,
  mountRows,
  networkRows,
  portRows,
  riskReasons,
  shortId,
  statsRow,
  topRows,
} from './docker.parse.js';

const TABLES = [
  'docker_engine',
  'docker_containers',
  'docker_container_risks',
  'docker_container_ports',
  'docker_container_mounts',
  'docker_container_networks',
  'docker_container_labels',
  'docker_container_stats',
  'docker_container_processes',
  'docker_container_changes',
  'docker_images',
  'docker_volumes',
  'docker_networks',
] as const;

/** Where the engine usually listens on a host. */
const HOST_SOCKETS = ['/run/docker.sock', '/var/run/docker.sock'];
/** Requests in flight at once (inspect, top, changes). */
const PARALLEL = 8;
/**
 * dockerd answers a one-shot stats request on its next 1 s sampling tick, so stats
 * requests go out together: 100 containers take one tick, not one tick per batch.
 */
const STATS_PARALLEL = 256;

/**
 * Whether a `dockerd` runs on the host, from the host's process table. Connecting to
 * the socket when it does not would let systemd socket activation start the engine
 * and its restart-always containers.
 */
export async function dockerdRunning(fs: HostFs, bound?: Pick<CollectContext, 'limits' | 'capped'>): Promise<boolean> {
  const pids: number[] = [];
  for await (const e of fs.entries('/proc')) if (/^\d+$/.test(e.name)) pids.push(Number(e.name));
  pids.sort((a, b) => a - b);
  // Bounded: on a host with more processes than limits.rows, the rest is not looked at.
  const max = bound?.limits.rows ?? Infinity;
  if (pids.length > max) bound?.capped('/proc', max, pids.length);
  for (const pid of pids.slice(0, max)) {
    try {
      const comm = await fs.readText(`/proc/${pid}/comm`, { maxBytes: 64 });
      if (comm.trim() === 'dockerd') return true;
    } catch (err) {
      if (!isNotFound(err)) continue; // another user's process: keep looking
    }
  }
  return false;
}

export interface DockerCollectorDeps {
  connect?: (endpoint: DockerEndpoint) => DockerApi;
  env?: NodeJS.ProcessEnv;
}

async function findEndpoint(ctx: CollectContext, env: NodeJS.ProcessEnv): Promise<string | null> {
  const explicit = String(ctx.options.host || env.DOCKER_HOST || '');
  // An endpoint the user names is used as given (like DOCKER_HOST for the docker CLI).
  if (explicit) return explicit;
  if (!(await dockerdRunning(ctx.fs, ctx))) return null;
  for (const sock of HOST_SOCKETS) {
    const st = await ctx.fs.statIfExists(sock);
    if (st?.isSocket()) return `unix://${await ctx.fs.realPath(sock)}`;
  }
  return null;
}

function engineDown(reason: string): FactTable[] {
  return TABLES.map((name) => ({ name, rows: name === 'docker_engine' ? [{ up: false, info: null, reason }] : [] }));
}

export function createDockerCollector(deps: DockerCollectorDeps = {}): CollectorSpec {
  const connect = deps.connect ?? dockerodeApi;
  const env = deps.env ?? process.env;
  return defineCollector({
    name: 'docker',
    area: 'containers',
    description: 'Docker Engine: engine, containers with risk flags, ports, mounts, stats, images, volumes, networks.',
    defaultEnabled: true,
    interval: 30 * SECOND,
    timeout: 20 * SECOND,
    options: [
      { name: 'host', type: 'string', default: '', help: 'Engine endpoint (unix:///path or tcp://host:port); default DOCKER_HOST, else the host socket when dockerd runs.' },
      { name: 'stats', type: 'bool', default: true, help: 'Collect per-container CPU, memory, network and block I/O.' },
      { name: 'top', type: 'bool', default: true, help: 'List the processes of each running container (executables only).' },
      { name: 'changes', type: 'bool', default: false, help: 'Collect filesystem changes of each container (expensive).' },
      { name: 'request_timeout', type: 'duration', default: 5000, help: 'Timeout of one Engine API request.' },
    ],
    tables: [
      { name: 'docker_engine', key: [], description: 'The engine: up, version, storage driver, security options.' },
      { name: 'docker_containers', key: ['id'], description: 'Containers.', drift: true, volatile: ['state', 'running', 'restart_count', 'started_at'] },
      { name: 'docker_container_risks', key: ['id', 'reason'], description: 'Why a container weakens isolation.', drift: true },
      { name: 'docker_container_ports', key: ['id', 'container_port', 'protocol', 'host_ip', 'host_port'], description: 'Published ports.', drift: true },
      { name: 'docker_container_mounts', key: ['id', 'destination'], description: 'Mounts.', drift: true },
      { name: 'docker_container_networks', key: ['id', 'network'], description: 'Networks of each container.' },
      { name: 'docker_container_labels', key: ['id', 'label'], description: 'Container labels.' },
      { name: 'docker_container_stats', key: ['id'], description: 'Resource usage (one-shot stats).' },
      { name: 'docker_container_processes', key: ['id', 'pid'], description: 'Processes (docker top), executables only.' },
      { name: 'docker_container_changes', key: ['id', 'path'], description: 'Filesystem changes (docker diff).' },
      { name: 'docker_images', key: ['id'], description: 'Images.', drift: true },
      { name: 'docker_volumes', key: ['name'], description: 'Volumes.', drift: true },
      { name: 'docker_networks', key: ['id'], description: 'Networks.', drift: true },
    ],
    async collect(ctx) {
      const url = await findEndpoint(ctx, env);
      if (!url) return engineDown('no running dockerd');
      const api = connect({ url, timeoutMs: Number(ctx.options.request_timeout) || 5000 });
      let info: Reported<EngineInfo>;
      let version: Reported<Docker.DockerVersion>;
      try {
        [info, version] = await Promise.all([api.info(), api.version()]);
      } catch (err) {
        // Nothing listening (engine stopped, socket gone) is a state of the host, not a failure.
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED' || code === 'ENOENT') {
          ctx.log.debug('docker engine not listening', { endpoint: url, code });
          return engineDown('not listening');
        }
        // A hang, an HTTP error or garbage is a failure that names the endpoint.
        throw new Error(`docker engine ${url}: ${(err as Error).message}`);
      }
      if (typeof info !== 'object' || info === null || typeof info.ServerVersion !== 'string') {
        throw new Error(`${url}: the engine answered /info with something that is not an engine description`);
      }
      const remap = engineUsernsRemap(info);
      const listed = await api.listContainers();
      const inspected = (
        await mapLimit(listed, PARALLEL, async (c) => {
          try {
            return await api.inspectContainer(String(c?.Id ?? ''));
          } catch (err) {
            if (/404|no such container/i.test((err as Error).message)) return null; // removed meanwhile
            throw err;
          }
        })
      ).filter((x) => x !== null);
      const rows: Record<(typeof TABLES)[number], FactRow[]> = Object.fromEntries(TABLES.map((t) => [t, [] as FactRow[]])) as Record<(typeof TABLES)[number], FactRow[]>;
      for (const i of inspected) {
        rows.docker_containers.push(containerRow(i));
        for (const reason of riskReasons(i, remap)) rows.docker_container_risks.push({ id: shortId(i.Id), name: String(i.Name).replace(/^\//, ''), reason });
        rows.docker_container_ports.push(...portRows(i));
        rows.docker_container_mounts.push(...mountRows(i));
        rows.docker_container_networks.push(...networkRows(i));
        rows.docker_container_labels.push(...labelRows(i));
      }
      const running = inspected.filter((i) => i.State?.Running);
      // A container that stops or goes away between listing and asking is not an error.
      const gone = (err: unknown) => /404|409|no such container|is not running/i.test((err as Error).message);
      const eachRunning = (limit: number, fn: (i: Reported<Docker.ContainerInspectInfo>, id: string, name: string) => Promise<void>) =>
        mapLimit(running, limit, async (i) => {
          if (ctx.signal.aborted) return;
          try {
            await fn(i, shortId(i.Id), String(i.Name).replace(/^\//, ''));
          } catch (err) {
            if (!gone(err)) throw err;
          }
        });
      await Promise.all([
        ctx.options.stats && eachRunning(STATS_PARALLEL, async (i, id, name) => void rows.docker_container_stats.push(statsRow(id, name, await api.stats(String(i.Id))))),
        ctx.options.top && eachRunning(PARALLEL, async (i, id, name) => void rows.docker_container_processes.push(...topRows(id, name, await api.top(String(i.Id))))),
        ctx.options.changes && eachRunning(PARALLEL, async (i, id, name) => void rows.docker_container_changes.push(...changeRows(id, name, await api.changes(String(i.Id))))),
      ]);
      const images = await api.listImages();
      const layers = await mapLimit(images, PARALLEL, async (im) => {
        try {
          return ((await api.inspectImage(String(im?.Id ?? '')))?.RootFS?.Layers ?? []).length as number;
        } catch {
          return null;
        }
      });
      images.forEach((im, n) => {
        rows.docker_images.push({
          id: shortId(im.Id),
          tags: ((im.RepoTags ?? []) as string[]).filter((t) => t !== '<none>:<none>').join(',') || '<none>',
          size_bytes: Number(im.Size ?? 0),
          layers: layers[n] ?? null,
          created: Number(im.Created ?? 0),
        });
      });
      const volumes = await api.listVolumes();
      for (const v of volumes?.Volumes ?? []) rows.docker_volumes.push({ name: String(v.Name), driver: String(v.Driver ?? ''), mountpoint: String(v.Mountpoint ?? '') });
      for (const n of await api.listNetworks()) {
        rows.docker_networks.push({ id: shortId(String(n.Id)), name: String(n.Name), driver: String(n.Driver ?? ''), scope: String(n.Scope ?? ''), internal: n.Internal === true });
      }
      rows.docker_engine.push({
        up: true,
        info: 1,
        reason: '',
        version: String(version?.Version ?? info.ServerVersion),
        api_version: String(version?.ApiVersion ?? ''),
        storage_driver: String(info.Driver ?? ''),
        cgroup_version: String(info.CgroupVersion ?? ''),
        rootless: ((info.SecurityOptions ?? []) as string[]).some((o) => /name=rootless/.test(o)),
        userns_remap: remap,
        security_options: ((info.SecurityOptions ?? []) as string[]).map((o) => /name=([^,]+)/.exec(o)?.[1] ?? o).join(','),
        containers: Number(info.Containers ?? inspected.length),
        containers_running: Number(info.ContainersRunning ?? running.length),
        images: images.length,
      });
      return TABLES.map((name) => ({ name, rows: rows[name] }));
    },
  });
}

export const docker = createDockerCollector();
