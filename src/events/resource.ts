import { hostname as osHostname } from 'node:os';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { HostFs } from '../host/hostfs.js';
import { VERSION } from '../version.js';

/** Parses `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, values percent-encoded); bad pairs are skipped. */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    if (key) out[key] = value;
  }
  return out;
}

export interface ResourceInput {
  env: NodeJS.ProcessEnv;
  /** The host's machine-id (`/etc/machine-id`), or null. */
  machineId: string | null;
  hostname: string;
  serviceName?: string;
}

/** The resource attributes of every record: who sends (service) and about which host. */
export function resourceAttributes(i: ResourceInput): Record<string, string> {
  const fromEnv = parseResourceAttributes(i.env.OTEL_RESOURCE_ATTRIBUTES);
  const attrs: Record<string, string> = {
    'service.version': VERSION,
    'host.name': i.hostname,
    'os.type': 'linux',
    ...fromEnv,
  };
  if (i.machineId) attrs['host.id'] = i.machineId;
  if (i.env.K8S_NODE_NAME) attrs['k8s.node.name'] = i.env.K8S_NODE_NAME;
  if (i.env.K8S_POD_NAME) attrs['k8s.pod.name'] = i.env.K8S_POD_NAME;
  // OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES, as the specification says.
  attrs['service.name'] = i.serviceName || i.env.OTEL_SERVICE_NAME || fromEnv['service.name'] || 'hostbaseline';
  return attrs;
}

/** Reads the host's identity through the host root (machine-id, hostname) and builds the resource. */
export async function hostResource(fs: HostFs, env: NodeJS.ProcessEnv, serviceName?: string): Promise<Resource> {
  const machineId = await readFirstLine(fs, '/etc/machine-id');
  const hostname = (await readFirstLine(fs, '/etc/hostname')) ?? (fs.rootfs === '/' ? osHostname() : 'unknown');
  return resourceFromAttributes(resourceAttributes({ env, machineId, hostname, ...(serviceName ? { serviceName } : {}) }));
}

async function readFirstLine(fs: HostFs, file: string): Promise<string | null> {
  try {
    const text = await fs.readTextIfExists(file, { maxBytes: 4096 });
    const line = text?.split('\n')[0]?.trim();
    return line ? line : null;
  } catch {
    return null;
  }
}
