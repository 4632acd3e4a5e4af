/** Container and systemd unit of a process from /proc/<pid>/cgroup (pure). */

export interface CgroupFacts {
  /** The cgroup path used (v2 unified, else the name=systemd or first v1 hierarchy). */
  path: string;
  /** docker, containerd, crio, podman, lxc, or '' when not in a container. */
  runtime: string;
  container_id: string;
  /** Kubernetes pod UID (dashes), '' outside Kubernetes. */
  pod_uid: string;
  /** Last *.service or *.scope of the path, '' when none. */
  unit: string;
  /** The unit belongs to a user manager (user@<uid>.service): its uid, else null. */
  user_unit_uid: number | null;
}

/** Paths of each "hierarchy-id:controllers:path" line. */
export function cgroupPaths(text: string): { controllers: string; path: string }[] {
  const out: { controllers: string; path: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (m) out.push({ controllers: m[1]!, path: m[2]! });
  }
  return out;
}

const HEX64 = '[0-9a-f]{64}';
const CONTAINER_PATTERNS: [string, RegExp][] = [
  ['docker', new RegExp(`(?:^|/)docker-(${HEX64})\\.scope$`)],
  ['docker', new RegExp(`/docker/(${HEX64})(?:/|$)`)],
  ['containerd', new RegExp(`(?:^|/)cri-containerd-(${HEX64})\\.scope$`)],
  ['crio', new RegExp(`(?:^|/)crio-(?:conmon-)?(${HEX64})\\.scope$`)],
  ['podman', new RegExp(`(?:^|/)libpod-(?:conmon-)?(${HEX64})(?:\\.scope)?(?:/|$)`)],
  ['lxc', /(?:^|\/)lxc(?:\.payload)?[./]([A-Za-z0-9_.-]+?)(?:\.scope)?(?:\/|$)/],
];
/** kubepods-burstable-pod<uid with _>.slice (systemd driver) or /kubepods/<qos>/pod<uid>/ (cgroupfs driver). */
const POD_UID = /(?:^|[/-])pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;
/** A bare 64-hex container directory below a kubepods pod (cgroupfs driver: runtime unknown). */
const KUBE_CONTAINER = new RegExp(`/kubepods.*/pod[^/]+/(${HEX64})(?:/|$)`);

/** Picks the cgroup path that tells the most: the v2 one, else name=systemd, else the first. */
function primaryPath(paths: { controllers: string; path: string }[]): string {
  return (
    paths.find((p) => p.controllers === '')?.path ??
    paths.find((p) => p.controllers === 'name=systemd')?.path ??
    paths[0]?.path ??
    ''
  );
}

export function parseCgroup(text: string): CgroupFacts {
  const paths = cgroupPaths(text);
  const facts: CgroupFacts = { path: primaryPath(paths), runtime: '', container_id: '', pod_uid: '', unit: '', user_unit_uid: null };
  // Hybrid v1/v2 hosts may put the container only in the v1 hierarchies: look through all.
  const candidates = [facts.path, ...paths.map((p) => p.path)];
  for (const p of candidates) {
    if (!facts.runtime) {
      for (const [runtime, re] of CONTAINER_PATTERNS) {
        const m = re.exec(p);
        if (m) {
          facts.runtime = runtime;
          facts.container_id = m[1]!;
          break;
        }
      }
      if (!facts.runtime) {
        const m = KUBE_CONTAINER.exec(p);
        if (m) {
          facts.runtime = 'kubernetes';
          facts.container_id = m[1]!;
        }
      }
    }
    if (!facts.pod_uid && p.includes('kubepods')) {
      const m = POD_UID.exec(p);
      if (m) facts.pod_uid = m[1]!.replace(/_/g, '-');
    }
  }
  const parts = facts.path.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/\.(service|scope)$/.test(parts[i]!)) {
      facts.unit = parts[i]!;
      break;
    }
  }
  const userManager = /(?:^|\/)user@(\d+)\.service(?:\/|$)/.exec(facts.path);
  if (userManager) facts.user_unit_uid = Number(userManager[1]);
  return facts;
}
