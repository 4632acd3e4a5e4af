import type Docker from 'dockerode';

/**
 * The subset of the Docker Engine API the collector uses. Injected, so tests can
 * replay recorded responses (e.g. a privileged container this dockerd cannot run).
 */
export interface DockerApi {
  info(): Promise<Reported<EngineInfo>>;
  version(): Promise<Reported<Docker.DockerVersion>>;
  listContainers(): Promise<Reported<Docker.ContainerInfo>[]>;
  inspectContainer(id: string): Promise<Reported<Docker.ContainerInspectInfo>>;
  stats(id: string): Promise<Reported<Docker.ContainerStats>>;
  top(id: string): Promise<Reported<TopResult>>;
  changes(id: string): Promise<Reported<FileChange>[] | null>;
  listImages(): Promise<Reported<Docker.ImageInfo>[]>;
  inspectImage(id: string): Promise<Reported<Docker.ImageInspectInfo>>;
  listVolumes(): Promise<Reported<VolumeList>>;
  listNetworks(): Promise<Reported<Docker.NetworkInspectInfo>[]>;
}

/**
 * An engine response as it may really come: dockerode's shape with every field optional
 * (older engines, other implementations such as Podman, a proxy in between). Fields are
 * checked and converted where they are used, never trusted.
 */
export type Reported<T> = T extends (infer E)[] ? Reported<E>[] : T extends object ? { [K in keyof T]?: Reported<T[K]> | null } : T;

/**
 * The fields of GET /info the collector reads (dockerode leaves /info untyped). An engine is
 * untrusted input: every field may be missing or of another type, and is checked where used.
 */
export interface EngineInfo {
  ServerVersion?: unknown;
  Driver?: string;
  CgroupVersion?: string;
  SecurityOptions?: string[] | null;
  Containers?: number;
  ContainersRunning?: number;
}

/** GET /containers/{id}/top (untyped in dockerode). */
export interface TopResult {
  Titles?: string[];
  Processes?: string[][];
}

/** GET /containers/{id}/changes (untyped in dockerode): Kind 0 modified, 1 added, 2 deleted. */
export interface FileChange {
  Path?: string;
  Kind?: number;
}

export interface VolumeList {
  Volumes?: Docker.VolumeInspectInfo[] | null;
  Warnings?: string[] | null;
}

export interface DockerEndpoint {
  /** `unix:///path` or `tcp://host:port` / `http(s)://host:port`. */
  url: string;
  timeoutMs: number;
}

let dockerode: Promise<typeof Docker> | null = null;

/**
 * A DockerApi over dockerode, bounded by a per-request timeout. dockerode (with its
 * ssh and protobuf dependencies) costs ~27 MB of resident memory, so it is loaded
 * only once an engine is actually found.
 */
export function dockerodeApi(endpoint: DockerEndpoint): DockerApi {
  const u = endpoint.url;
  const client = (dockerode ??= import('dockerode').then((m) => m.default)).then((Docker) => {
    if (u.startsWith('unix://')) return new Docker({ socketPath: u.slice('unix://'.length), timeout: endpoint.timeoutMs });
    const parsed = new URL(u.replace(/^tcp:/, 'http:'));
    return new Docker({
      host: parsed.hostname,
      port: Number(parsed.port || 2375),
      protocol: parsed.protocol === 'https:' ? 'https' : 'http',
      timeout: endpoint.timeoutMs,
    });
  });
  const use = <T>(fn: (d: Docker) => Promise<T>): Promise<T> => client.then(fn);
  return {
    info: () => use((d) => d.info()),
    version: () => use((d) => d.version()),
    listContainers: () => use((d) => d.listContainers({ all: true })),
    inspectContainer: (id) => use((d) => d.getContainer(id).inspect()),
    // one-shot: one sample at once instead of waiting a second for a second sample.
    stats: (id) => use((d) => d.getContainer(id).stats({ stream: false, 'one-shot': true })),
    top: (id) => use((d) => d.getContainer(id).top({}) as Promise<TopResult>),
    changes: (id) => use((d) => d.getContainer(id).changes() as Promise<FileChange[] | null>),
    listImages: () => use((d) => d.listImages()),
    inspectImage: (id) => use((d) => d.getImage(id).inspect()),
    listVolumes: () => use((d) => d.listVolumes()),
    listNetworks: () => use((d) => d.listNetworks()),
  };
}
