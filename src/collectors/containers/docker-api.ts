import type Docker from 'dockerode';

/**
 * The subset of the Docker Engine API the collector uses. Injected, so tests can
 * replay recorded responses (e.g. a privileged container this dockerd cannot run).
 */
export interface DockerApi {
  info(): Promise<any>;
  version(): Promise<any>;
  listContainers(): Promise<any[]>;
  inspectContainer(id: string): Promise<any>;
  stats(id: string): Promise<any>;
  top(id: string): Promise<any>;
  changes(id: string): Promise<any[] | null>;
  listImages(): Promise<any[]>;
  inspectImage(id: string): Promise<any>;
  listVolumes(): Promise<any>;
  listNetworks(): Promise<any[]>;
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
    stats: (id) => use((d) => d.getContainer(id).stats({ stream: false, 'one-shot': true } as any) as unknown as Promise<any>),
    top: (id) => use((d) => d.getContainer(id).top({}) as unknown as Promise<any>),
    changes: (id) => use((d) => d.getContainer(id).changes()),
    listImages: () => use((d) => d.listImages()),
    inspectImage: (id) => use((d) => d.getImage(id).inspect()),
    listVolumes: () => use((d) => d.listVolumes()),
    listNetworks: () => use((d) => d.listNetworks()),
  };
}
