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

/** The header tags of an rpm package's file list (rpm's rpmtag.h). */
const RPMFILETAG = {
  NAME: 1000,
  FILESIZES: 1028,
  FILESTATES: 1029,
  FILEMODES: 1030,
  FILEDIGESTS: 1035,
  FILEFLAGS: 1037,
  FILEVERIFYFLAGS: 1045,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGFILESIZES: 5008,
  FILEDIGESTALGO: 5011,
} as const;

/** FILEDIGESTALGO values (OpenPGP hash algorithm ids); md5 when the tag is absent. */
const RPM_DIGEST_ALGO: Record<number, PackagedFile['algorithm']> = { 1: 'md5', 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };
const RPMFILE_CONFIG = 1 << 0;
const RPMFILE_GHOST = 1 << 6;
/** FILESTATES: only files in the normal state are on disk as the package installed them. */
const RPMFILE_STATE_NORMAL = 0;
const RPMVERIFY_FILEDIGEST = 1 << 0;
const RPMVERIFY_FILESIZE = 1 << 1;
const RPMVERIFY_MODE = 1 << 6;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export interface RpmFileList {
  name: string;
  files: PackagedFile[];
}

/**
 * The files of an rpm header blob with what `rpm -V` compares: digest (in the algorithm the
 * header names), size and mode, each only where the file's verify flags ask for it. Ghost files
 * and files not installed (excluded docs, other colours) are left out, as rpm -V leaves them.
 */
export function parseRpmFiles(blob: Uint8Array): RpmFileList {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) throw new Error('header shorter than its preamble');
  const il = buf.readInt32BE(0);
  const dl = buf.readInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il < 1 || il > 0xffff || dl < 0 || dataStart + dl > buf.length) throw new Error(`bad header sizes (index ${il}, data ${dl})`);
  const data = buf.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  const wanted = new Set<number>(Object.values(RPMFILETAG));
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readInt32BE(at);
    if (wanted.has(tag)) entries.set(tag, { type: buf.readInt32BE(at + 4), offset: buf.readInt32BE(at + 8), count: buf.readInt32BE(at + 12) });
  }
  const WIDTH: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };
  const ints = (tag: number): number[] | null => {
    const e = entries.get(tag);
    if (!e) return null;
    const w = WIDTH[e.type];
    if (!w || e.offset < 0 || e.count < 0 || e.offset + e.count * w > dl) throw new Error(`tag ${tag}: bad integer array`);
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * w;
      out[i] = w === 1 ? data.readUInt8(at) : w === 2 ? data.readUInt16BE(at) : w === 4 ? data.readUInt32BE(at) : Number(data.readBigUInt64BE(at));
    }
    return out;
  };
  const strings = (tag: number): string[] | null => {
    const e = entries.get(tag);
    if (!e) return null;
    if (e.offset < 0 || e.count < 0 || e.count > dl) throw new Error(`tag ${tag}: bad string array`);
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < e.count; i++) {
      const end = data.indexOf(0, at);
      if (end === -1) throw new Error(`tag ${tag}: string runs past the data store`);
      out.push(data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  };
  const name = strings(RPMFILETAG.NAME)?.[0] ?? '';
  const basenames = strings(RPMFILETAG.BASENAMES) ?? [];
  const dirnames = strings(RPMFILETAG.DIRNAMES) ?? [];
  const dirIndexes = ints(RPMFILETAG.DIRINDEXES) ?? [];
  const sizes = ints(RPMFILETAG.LONGFILESIZES) ?? ints(RPMFILETAG.FILESIZES) ?? [];
  const modes = ints(RPMFILETAG.FILEMODES) ?? [];
  const digests = strings(RPMFILETAG.FILEDIGESTS) ?? [];
  const flags = ints(RPMFILETAG.FILEFLAGS) ?? [];
  const states = ints(RPMFILETAG.FILESTATES) ?? [];
  const verify = ints(RPMFILETAG.FILEVERIFYFLAGS) ?? [];
  const algorithm = RPM_DIGEST_ALGO[ints(RPMFILETAG.FILEDIGESTALGO)?.[0] ?? 1];
  const files: PackagedFile[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirIndexes[i] ?? -1];
    if (dir === undefined) throw new Error(`file ${i}: directory index out of range`);
    const fileFlags = flags[i] ?? 0;
    if (fileFlags & RPMFILE_GHOST || (states[i] ?? RPMFILE_STATE_NORMAL) !== RPMFILE_STATE_NORMAL) continue;
    const vf = verify[i] ?? 0xffffffff;
    const mode = modes[i] ?? null;
    const regular = mode !== null && (mode & S_IFMT) === S_IFREG;
    files.push({
      path: dir + basenames[i],
      digest: regular && vf & RPMVERIFY_FILEDIGEST && algorithm ? (digests[i] ?? '') : '',
      algorithm: algorithm ?? 'md5',
      config: (fileFlags & RPMFILE_CONFIG) !== 0,
      mode: vf & RPMVERIFY_MODE ? mode : null,
      size: regular && vf & RPMVERIFY_FILESIZE ? (sizes[i] ?? null) : null,
    });
  }
  return { name, files };
}
