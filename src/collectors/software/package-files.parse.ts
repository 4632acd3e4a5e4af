/**
 * What package managers record about the files they installed, for verifying those files:
 * dpkg's md5sums lists and conffiles, dpkg diversions, apk's per-file checksums and modes.
 */

/** One file a package claims, with the digest (and, where the manager keeps them, mode and owner) it was installed with. */
export interface PackagedFile {
  /** Absolute host path. */
  path: string;
  /** Hex digest the file had when installed ('' when the manager recorded none). */
  digest: string;
  algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512' | 'sha224' | 'sha384';
  /** Configuration file: a change is expected and reported apart. */
  config: boolean;
  /** Permission bits and file type as installed (st_mode), when recorded. */
  mode: number | null;
  /** Size as installed, when recorded. */
  size: number | null;
}

/**
 * `/var/lib/dpkg/info/<package>.md5sums`: lines of `<md5>  <path relative to />`. Lines that are
 * not of that shape are reported and skipped. The path is everything after the two spaces, so
 * names with spaces survive.
 */
export function parseMd5sums(text: string, onBad?: (line: number, reason: string) => void): PackagedFile[] {
  const out: PackagedFile[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const m = /^([0-9a-f]{32}) [ *](.+)$/.exec(line);
    if (!m) {
      onBad?.(i + 1, 'expected "<md5>  <path>"');
      continue;
    }
    const rel = m[2]!;
    out.push({ path: rel.startsWith('/') ? rel : `/${rel}`, digest: m[1]!, algorithm: 'md5', config: false, mode: null, size: null });
  }
  return out;
}

export interface DpkgInstalled {
  name: string;
  arch: string;
  /** Multi-Arch: same packages keep their info files as `<name>:<arch>.*`. */
  multiArchSame: boolean;
  conffiles: PackagedFile[];
}

/**
 * The installed packages of a dpkg status file with their `Conffiles:` (continuation lines of
 * ` <path> <md5> [obsolete|remove-on-upgrade]`). Obsolete conffiles are no longer the package's.
 */
export function parseDpkgConffiles(text: string): DpkgInstalled[] {
  const out: DpkgInstalled[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    let name = '';
    let arch = '';
    let status = '';
    let multiArch = '';
    const conffiles: PackagedFile[] = [];
    let inConffiles = false;
    for (const raw of stanza.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith(' ') || line.startsWith('\t')) {
        if (!inConffiles) continue;
        const parts = line.trim().split(/\s+/);
        if (parts.length < 2 || !/^[0-9a-f]{32}$/.test(parts[1]!) || parts.slice(2).includes('obsolete')) continue;
        conffiles.push({ path: parts[0]!, digest: parts[1]!, algorithm: 'md5', config: true, mode: null, size: null });
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      inConffiles = field === 'Conffiles';
      if (field === 'Package') name = value;
      else if (field === 'Architecture') arch = value;
      else if (field === 'Status') status = value;
      else if (field === 'Multi-Arch') multiArch = value;
    }
    if (name && status.split(/\s+/)[2] === 'installed') out.push({ name, arch, multiArchSame: multiArch === 'same', conffiles });
  }
  return out;
}

/** A diversion: the file a package ships at `from` is installed at `to`, unless the package is `by`. */
export interface Diversion {
  from: string;
  to: string;
  by: string;
}

/** `/var/lib/dpkg/diversions`: triplets of lines (original, diverted to, diverting package or ":"). */
export function parseDiversions(text: string): Diversion[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: Diversion[] = [];
  for (let i = 0; i + 2 < lines.length; i += 3) out.push({ from: lines[i]!, to: lines[i + 1]!, by: lines[i + 2]! });
  return out;
}

export interface ApkInstalledFiles {
  name: string;
  files: PackagedFile[];
}

const APK_DIGESTS: Record<string, { algorithm: PackagedFile['algorithm']; hexLength: number }> = {
  Q1: { algorithm: 'sha1', hexLength: 40 },
  Q2: { algorithm: 'sha256', hexLength: 64 },
};

/**
 * The files of each package in apk's installed database: `F:` a directory, `R:` a file in it,
 * then for that file optionally `a:uid:gid:mode` (octal) and `Z:Q1<base64 sha1>` (Q2: sha256).
 */
export function parseApkFiles(text: string, onBad?: (line: number, reason: string) => void): ApkInstalledFiles[] {
  const out: ApkInstalledFiles[] = [];
  let pkg: ApkInstalledFiles | null = null;
  let dir = '';
  let file: PackagedFile | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      pkg = null;
      file = null;
      continue;
    }
    if (line[1] !== ':') continue;
    const v = line.slice(2);
    switch (line[0]) {
      case 'P':
        pkg = { name: v, files: [] };
        out.push(pkg);
        break;
      case 'F':
        dir = v;
        file = null;
        break;
      case 'R':
        if (!pkg) break;
        file = { path: `/${dir ? `${dir}/` : ''}${v}`, digest: '', algorithm: 'sha1', config: false, mode: null, size: null };
        pkg.files.push(file);
        break;
      case 'a': {
        if (!file) break;
        const mode = v.split(':')[2];
        if (mode && /^[0-7]+$/.test(mode)) file.mode = Number.parseInt(mode, 8);
        break;
      }
      case 'Z': {
        if (!file) break;
        const kind = APK_DIGESTS[v.slice(0, 2)];
        const hex = kind ? Buffer.from(v.slice(2), 'base64').toString('hex') : '';
        if (!kind || hex.length !== kind.hexLength) onBad?.(i + 1, `${file.path}: unknown checksum "${v.slice(0, 8)}…"`);
        else {
          file.digest = hex;
          file.algorithm = kind.algorithm;
        }
        break;
      }
    }
  }
  return out;
}
