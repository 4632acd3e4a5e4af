import Docker from 'dockerode';

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

/** A DockerApi over dockerode, bounded by a per-request timeout. */
export function dockerodeApi(endpoint: DockerEndpoint): DockerApi {
  const u = endpoint.url;
  let docker: Docker;
  if (u.startsWith('unix://')) docker = new Docker({ socketPath: u.slice('unix://'.length), timeout: endpoint.timeoutMs });
  else {
    const parsed = new URL(u.replace(/^tcp:/, 'http:'));
    docker = new Docker({
      host: parsed.hostname,
      port: Number(parsed.port || 2375),
      protocol: parsed.protocol === 'https:' ? 'https' : 'http',
      timeout: endpoint.timeoutMs,
    });
  }
  return {
    info: () => docker.info(),
    version: () => docker.version(),
    listContainers: () => docker.listContainers({ all: true }),
    inspectContainer: (id) => docker.getContainer(id).inspect(),
    // one-shot: one sample at once instead of waiting a second for a second sample.
    stats: (id) => docker.getContainer(id).stats({ stream: false, 'one-shot': true } as any) as unknown as Promise<any>,
    top: (id) => docker.getContainer(id).top({}) as unknown as Promise<any>,
    changes: (id) => docker.getContainer(id).changes(),
    listImages: () => docker.listImages(),
    inspectImage: (id) => docker.getImage(id).inspect(),
    listVolumes: () => docker.listVolumes(),
    listNetworks: () => docker.listNetworks(),
  };
}
