import { hostname as osHostname } from 'node:os';
import { parseEtcHostname, validMachineId } from '../collectors/system/identity.parse.js';
import { parseOsRelease } from '../collectors/system/os-release.parse.js';
import type { HostFs } from '../host/hostfs.js';
import { VERSION } from '../version.js';

/**
 * The host's identity, read through the host root (--path.rootfs, --path.procfs): in a
 * container these files describe the host, while the SDK's host and os detectors would
 * describe the container the exporter runs in.
 */
export interface HostIdentity {
  /** `/etc/hostname`, or null. */
  hostname: string | null;
  /** `/etc/machine-id`, or null. */
  machineId: string | null;
  /** The running kernel's release (`/proc/sys/kernel/osrelease`), or null. */
  kernelRelease: string | null;
  /** `/etc/os-release` (or `/usr/lib/os-release`) as key/value pairs. */
  osRelease: Record<string, string>;
}

/** Node's process.arch as the semantic conventions' host.arch values. */
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm32', ia32: 'x86', ppc64: 'ppc64', s390x: 's390x' };

export interface ResourceInput {
  host: HostIdentity;
  env: NodeJS.ProcessEnv;
  /** process.arch: the container shares the host's kernel and CPU. */
  arch: string;
}

/**
 * The resource attributes hostbaseline sets: who sends (service) and which host the
 * events are about. The SDK adds OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME on top.
 */
export function hostResourceAttributes(i: ResourceInput): Record<string, string> {
  const attrs: Record<string, string> = {
    'service.name': 'hostbaseline',
    'service.version': VERSION,
    'host.arch': ARCH[i.arch] ?? i.arch,
    'os.type': 'linux',
  };
  const put = (key: string, value: string | null | undefined) => {
    if (value) attrs[key] = value;
  };
  put('host.name', i.host.hostname ?? i.env.K8S_NODE_NAME);
  put('host.id', i.host.machineId);
  put('os.version', i.host.kernelRelease);
  put('os.name', i.host.osRelease.NAME);
  put('os.description', i.host.osRelease.PRETTY_NAME);
  put('os.build_id', i.host.osRelease.BUILD_ID);
  // Set by the chart from the downward API (spec.nodeName, metadata.name).
  put('k8s.node.name', i.env.K8S_NODE_NAME);
  put('k8s.pod.name', i.env.K8S_POD_NAME);
  return attrs;
}

/** machine-id(5): /etc is authoritative, D-Bus keeps a copy (the only one on older systems). */
const MACHINE_ID = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/** Reads the host's identity through HostFs; what cannot be read, or is not valid, is null (and left out of the resource). */
export async function readHostIdentity(fs: HostFs): Promise<HostIdentity> {
  const osText = (await readSmall(fs, '/etc/os-release')) ?? (await readSmall(fs, '/usr/lib/os-release'));
  const etcHostname = await readSmall(fs, '/etc/hostname');
  let machineId: string | null = null;
  for (const file of MACHINE_ID) {
    const text = await readSmall(fs, file);
    if (text !== null && validMachineId(text)) {
      machineId = text.trim();
      break;
    }
  }
  return {
    // Without /etc/hostname, the process's own name is the host's only when the host root is /.
    hostname: printable(etcHostname === null ? '' : parseEtcHostname(etcHostname)) ?? (fs.rootfs === '/' ? osHostname() : null),
    machineId,
    kernelRelease: printable((await readSmall(fs, '/proc/sys/kernel/osrelease'))?.trim() ?? ''),
    osRelease: osText === null ? {} : parseOsRelease(osText),
  };
}

async function readSmall(fs: HostFs, file: string): Promise<string | null> {
  try {
    return await fs.readTextIfExists(file, { maxBytes: 64 * 1024 });
  } catch {
    return null;
  }
}

/** Printable ASCII only: these values become resource attributes of every record. */
function printable(value: string): string | null {
  return /^[\x21-\x7e]{1,255}$/.test(value) ? value : null;
}
