import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostResourceAttributes, readHostIdentity } from '../../../src/events/resource.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { VERSION } from '../../../src/version.js';
import { tempDir } from '../../helpers.js';

function hostRoot(files: Record<string, string>): HostFs {
  const root = tempDir('hb-resource-');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(`${root}${p.slice(0, p.lastIndexOf('/'))}`, { recursive: true });
    writeFileSync(`${root}${p}`, text);
  }
  return new HostFs({ rootfs: root });
}

describe('the resource describes the host read through the host root', () => {
  it('reads host.name, host.id, os.version and the distribution from the host root, not from this machine', async () => {
    const fs = hostRoot({
      '/etc/hostname': 'host-a\n',
      '/etc/machine-id': '0123456789abcdef0123456789abcdef\n',
      '/proc/sys/kernel/osrelease': '6.1.0-42-amd64\n',
      '/etc/os-release': 'NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
    });
    const host = await readHostIdentity(fs);
    const attrs = hostResourceAttributes({ host, env: { K8S_NODE_NAME: 'node-1', K8S_POD_NAME: 'hostbaseline-x7' }, arch: 'x64' });
    expect(attrs).toEqual({
      'service.name': 'hostbaseline',
      'service.version': VERSION,
      'host.name': 'host-a',
      'host.id': '0123456789abcdef0123456789abcdef',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'os.version': '6.1.0-42-amd64',
      'os.name': 'Debian GNU/Linux',
      'os.description': 'Debian GNU/Linux 12 (bookworm)',
      'k8s.node.name': 'node-1',
      'k8s.pod.name': 'hostbaseline-x7',
    });
  });

  it('leaves out what the host root does not have, and garbage', async () => {
    const fs = hostRoot({ '/etc/machine-id': 'uninitialized\n', '/etc/hostname': '# no name\n', '/usr/lib/os-release': 'NAME=Fedora\n' });
    const host = await readHostIdentity(fs);
    expect(host).toEqual({ hostname: null, machineId: null, kernelRelease: null, osRelease: { NAME: 'Fedora' } });
    const attrs = hostResourceAttributes({ host, env: {}, arch: 'arm64' });
    expect(Object.keys(attrs).sort()).toEqual(['host.arch', 'os.name', 'os.type', 'service.name', 'service.version']);
    expect(attrs['host.arch']).toBe('arm64');
    // In a cluster the node name stands in for a missing /etc/hostname.
    expect(hostResourceAttributes({ host, env: { K8S_NODE_NAME: 'node-2' }, arch: 'x64' })['host.name']).toBe('node-2');
  });

  it("takes D-Bus's copy of the machine-id when /etc has none, and skips comments in /etc/hostname", async () => {
    const fs = hostRoot({ '/var/lib/dbus/machine-id': 'fedcba9876543210fedcba9876543210\n', '/etc/hostname': '# set by the installer\nweb-01\n' });
    expect(await readHostIdentity(fs)).toMatchObject({ hostname: 'web-01', machineId: 'fedcba9876543210fedcba9876543210' });
  });
});
