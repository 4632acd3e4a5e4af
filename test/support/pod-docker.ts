/**
 * Translates the pod of a rendered DaemonSet into `docker run` flags, so that a test runs the
 * image with exactly the namespaces, mounts, user, capabilities and args the chart gives it
 * (pure: no engine, no files). What has no Docker meaning (probes, tolerations, DNS policy,
 * service account) is left out; what cannot be translated throws rather than being dropped.
 */

export interface PodToDockerOptions {
  /** Values of the downward-API fields the pod reads (status.hostIP, spec.nodeName, …). */
  fieldRefs: Record<string, string>;
  /** hostPath volumes to bind from elsewhere (the writable state dir, so a test never writes the real one). */
  hostPathOverrides?: Record<string, string>;
  /** Local directories holding the files of configMap and secret volumes, by volume name. */
  projected?: Record<string, string>;
}

export interface DockerRun {
  /** Flags between `docker run` and the image. */
  flags: string[];
  /** The container's args, $(VAR) references expanded as the kubelet does. */
  args: string[];
  /** The pod's container, for the caller's own checks. */
  container: any;
}

const PROPAGATION: Record<string, string> = { None: 'rprivate', HostToContainer: 'rslave', Bidirectional: 'rshared' };

/** Kubernetes quantities as Docker byte sizes: 192Mi → 201326592. */
export function quantityBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) throw new Error(`unsupported quantity ${q}`);
  const unit: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Math.round(Number(m[1]) * unit[m[2] ?? '']!);
}

/** $(NAME) → the variable's value; $$(NAME) → $(NAME); unknown names stay as written (kubelet rules). */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name?: string) => (all === '$$' ? '$' : name !== undefined && name in vars ? vars[name]! : all));
}

export function podToDockerRun(daemonSet: any, o: PodToDockerOptions): DockerRun {
  const pod = daemonSet.spec.template.spec;
  if (pod.initContainers?.length) throw new Error('init containers are not translated');
  const c = pod.containers[0];
  const flags: string[] = [];
  if (pod.hostPID) flags.push('--pid=host');
  if (pod.hostNetwork) flags.push('--network=host');
  if (pod.hostIPC) flags.push('--ipc=host');

  const psc = pod.securityContext ?? {};
  const csc = c.securityContext ?? {};
  const uid = csc.runAsUser ?? psc.runAsUser;
  const gid = csc.runAsGroup ?? psc.runAsGroup;
  if (uid !== undefined) flags.push(`--user=${uid}${gid !== undefined ? `:${gid}` : ''}`);
  for (const g of psc.supplementalGroups ?? []) flags.push(`--group-add=${g}`);
  if (psc.fsGroup !== undefined && psc.fsGroup !== gid) flags.push(`--group-add=${psc.fsGroup}`);
  if (csc.privileged) flags.push('--privileged');
  if (csc.readOnlyRootFilesystem) flags.push('--read-only');
  if (csc.allowPrivilegeEscalation === false) flags.push('--security-opt=no-new-privileges');
  for (const cap of csc.capabilities?.drop ?? []) flags.push(`--cap-drop=${cap}`);
  for (const cap of csc.capabilities?.add ?? []) flags.push(`--cap-add=${cap}`);
  const seccomp = csc.seccompProfile?.type ?? psc.seccompProfile?.type;
  if (seccomp === 'Unconfined') flags.push('--security-opt=seccomp=unconfined');
  else if (seccomp && seccomp !== 'RuntimeDefault') throw new Error(`seccomp profile ${seccomp} is not translated`);

  // Environment: literal values and downward-API fields; $(VAR) may refer to earlier entries.
  const vars: Record<string, string> = {};
  for (const e of c.env ?? []) {
    let value: string;
    if (e.value !== undefined) value = expandVars(String(e.value), vars);
    else if (e.valueFrom?.fieldRef) {
      const field = e.valueFrom.fieldRef.fieldPath as string;
      if (!(field in o.fieldRefs)) throw new Error(`env ${e.name}: no value given for field ${field}`);
      value = o.fieldRefs[field]!;
    } else throw new Error(`env ${e.name}: ${JSON.stringify(e.valueFrom)} is not translated`);
    vars[e.name] = value;
    flags.push('--env', `${e.name}=${value}`);
  }

  const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) throw new Error(`volumeMount ${m.name}: no such volume`);
    if (m.subPath) throw new Error(`volumeMount ${m.name}: subPath is not translated`);
    if (v.hostPath || v.configMap || v.secret) {
      const source = v.hostPath ? (o.hostPathOverrides?.[v.hostPath.path] ?? v.hostPath.path) : o.projected?.[m.name];
      if (!source) throw new Error(`volume ${m.name}: no local directory given for its files`);
      // Kubernetes mounts configMaps and secrets read-only whatever the mount says.
      const readOnly = m.readOnly || !v.hostPath;
      const propagation = PROPAGATION[m.mountPropagation ?? 'None'];
      flags.push('--mount', [`type=bind`, `source=${source}`, `target=${m.mountPath}`, ...(readOnly ? ['readonly'] : []), `bind-propagation=${propagation}`].join(','));
    } else if (v.emptyDir) {
      const size = v.emptyDir.sizeLimit ? `,tmpfs-size=${quantityBytes(v.emptyDir.sizeLimit)}` : '';
      if (v.emptyDir.medium && v.emptyDir.medium !== 'Memory') throw new Error(`emptyDir medium ${v.emptyDir.medium} is not translated`);
      flags.push('--mount', `type=tmpfs,target=${m.mountPath}${size}`);
    } else throw new Error(`volume ${m.name}: ${Object.keys(v).join(',')} is not translated`);
  }

  const memory = c.resources?.limits?.memory;
  if (memory !== undefined) flags.push(`--memory=${quantityBytes(memory)}`);
  if (c.workingDir) flags.push(`--workdir=${c.workingDir}`);
  if (c.command) throw new Error('command (the entrypoint) is not translated: the chart uses the image entrypoint');

  return { flags, args: (c.args ?? []).map((a: string) => expandVars(String(a), vars)), container: c };
}
