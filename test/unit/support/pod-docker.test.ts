import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers.js';
import { debianMirror, parseAptSources } from '../../support/image-base.js';
import { expandVars, podToDockerRun, quantityBytes } from '../../support/pod-docker.js';

// The translation the image test runs the chart's DaemonSet with: checked here on its own.
const daemonSet = (pod: any) => ({ spec: { template: { spec: pod } } });

describe('podToDockerRun', () => {
  const pod = {
    hostPID: true,
    hostNetwork: true,
    securityContext: { runAsUser: 0, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        args: ['--web.listen-address=$(HOST_IP):9855', '--literal=$$(HOST_IP)', '--unknown=$(NOPE)'],
        env: [
          { name: 'NODE_OPTIONS', value: '--max-old-space-size=128' },
          { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        ],
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] } },
        resources: { limits: { memory: '256Mi' } },
        volumeMounts: [
          { name: 'root', mountPath: '/host', readOnly: true, mountPropagation: 'HostToContainer' },
          { name: 'state', mountPath: '/var/lib/hostbaseline' },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'web', mountPath: '/etc/web', readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'root', hostPath: { path: '/' } },
      { name: 'state', hostPath: { path: '/var/lib/hostbaseline', type: 'DirectoryOrCreate' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'web', secret: { secretName: 'web' } },
    ],
  };

  it('translates namespaces, user, capabilities, mounts with their propagation, env and args', () => {
    const run = podToDockerRun(daemonSet(pod), { fieldRefs: { 'status.hostIP': '10.0.0.5' }, hostPathOverrides: { '/var/lib/hostbaseline': '/tmp/state' }, projected: { web: '/tmp/web' } });
    expect(run.flags).toEqual([
      '--pid=host',
      '--network=host',
      '--user=0:0',
      '--read-only',
      '--security-opt=no-new-privileges',
      '--cap-drop=ALL',
      '--cap-add=DAC_READ_SEARCH',
      '--env',
      'NODE_OPTIONS=--max-old-space-size=128',
      '--env',
      'HOST_IP=10.0.0.5',
      '--mount',
      'type=bind,source=/,target=/host,readonly,bind-propagation=rslave',
      '--mount',
      'type=bind,source=/tmp/state,target=/var/lib/hostbaseline,bind-propagation=rprivate',
      '--mount',
      'type=tmpfs,target=/tmp,tmpfs-size=67108864',
      // Secrets are read-only whatever the mount says.
      '--mount',
      'type=bind,source=/tmp/web,target=/etc/web,readonly,bind-propagation=rprivate',
      '--memory=268435456',
    ]);
    expect(run.args).toEqual(['--web.listen-address=10.0.0.5:9855', '--literal=$(HOST_IP)', '--unknown=$(NOPE)']);
  });

  it('refuses what it cannot translate instead of dropping it', () => {
    expect(() => podToDockerRun(daemonSet(pod), { fieldRefs: {} })).toThrow(/HOST_IP: no value given for field status.hostIP/);
    expect(() => podToDockerRun(daemonSet(pod), { fieldRefs: { 'status.hostIP': 'x' } })).toThrow(/volume web: no local directory/);
    const pvc = { ...pod, volumes: [...pod.volumes.slice(0, 3), { name: 'web', persistentVolumeClaim: { claimName: 'c' } }] };
    expect(() => podToDockerRun(daemonSet(pvc), { fieldRefs: { 'status.hostIP': 'x' } })).toThrow(/persistentVolumeClaim is not translated/);
    const withCommand = { ...pod, containers: [{ ...pod.containers[0], command: ['sh'] }] };
    expect(() => podToDockerRun(daemonSet(withCommand), { fieldRefs: { 'status.hostIP': 'x' }, projected: { web: '/w' } })).toThrow(/command/);
  });

  it('reads quantities and $(VAR) references as Kubernetes does', () => {
    expect(quantityBytes('64Mi')).toBe(64 * 1024 * 1024);
    expect(quantityBytes('1G')).toBe(1e9);
    expect(quantityBytes(1024)).toBe(1024);
    expect(() => quantityBytes('12 parsecs')).toThrow(/unsupported quantity/);
    expect(expandVars('$(A)-$$(A)-$(B)', { A: 'a' })).toBe('a-$(A)-$(B)');
  });
});

describe('the Debian mirror apt uses', () => {
  it('reads one-line and deb822 sources, options and disabled stanzas included', () => {
    expect(parseAptSources('# c\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\ndeb-src http://x bookworm main\n', false)).toEqual([
      { uris: ['http://m.example/debian'], suites: ['bookworm'] },
    ]);
    const deb822 = 'Types: deb\nURIs: http://a/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nEnabled: no\nURIs: http://b\nSuites: bookworm\n';
    expect(parseAptSources(deb822, true)).toEqual([{ uris: ['http://a/debian'], suites: ['bookworm', 'bookworm-updates'] }]);
  });

  it('picks the source of the bookworm suite itself, or says why there is none', () => {
    const etc = tempDir('hb-apt-');
    mkdirSync(path.join(etc, 'sources.list.d'));
    writeFileSync(path.join(etc, 'sources.list.d', 'a.sources'), 'Types: deb\nURIs: http://security/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror/debian\nSuites: bookworm\n');
    expect(debianMirror(etc)).toBe('http://mirror/debian');
    expect(() => debianMirror(tempDir('hb-apt-'))).toThrow(/no apt source for the bookworm suite/);
  });
});
