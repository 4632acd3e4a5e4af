import * as path from 'node:path';
import type { Logger } from '../../util/logger.js';
import { isRecord, readStateJson, writeFileAtomic } from '../../util/state-file.js';

/**
 * What FIM last saw of each watched file, kept in the state directory so that changes
 * made while the exporter was stopped are reported at the next start (like Wazuh
 * syscheck's database and AIDE's baseline). Bounded in entries and bytes.
 */

export interface FileEntry {
  /** sha256 of the content; null when not hashed (too big, unreadable, not a regular file). */
  sha256: string | null;
  size: number;
  /** st_mode (type and permission bits). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export const FIM_STATE_MAX_ENTRIES = 200_000;
export const FIM_STATE_MAX_BYTES = 64 * 1024 * 1024;
const VERSION = 1;

/** One entry as stored: [host path, sha256, size, mode, uid, gid, mtimeMs, ctimeMs, ino]. */
type Stored = [string, string | null, number, number, number, number, number, number, number];

function decode(doc: unknown): Map<string, FileEntry> | string {
  if (!isRecord(doc)) return 'not a JSON object';
  if (doc.version !== VERSION) return 'unknown version';
  if (!Array.isArray(doc.files)) return '"files" is not an array';
  const out = new Map<string, FileEntry>();
  for (const [i, e] of doc.files.entries()) {
    if (!Array.isArray(e) || e.length !== 9 || typeof e[0] !== 'string' || (e[1] !== null && (typeof e[1] !== 'string' || !/^[0-9a-f]{64}$/.test(e[1])))) {
      return `entry ${i} is not [path, sha256, size, mode, uid, gid, mtime, ctime, inode]`;
    }
    if (!e.slice(2).every((n) => typeof n === 'number' && Number.isFinite(n))) return `entry ${i}: numbers expected`;
    const [p, sha256, size, mode, uid, gid, mtimeMs, ctimeMs, ino] = e as Stored;
    out.set(p, { sha256, size, mode, uid, gid, mtimeMs, ctimeMs, ino });
  }
  return out;
}

export class FimStateStore {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(stateDir, 'fim', 'files.json');
  }

  /** The files last seen, or null on the first run ever (or when the file was unusable: logged). */
  load(): Map<string, FileEntry> | null {
    const r = readStateJson(this.file, decode);
    if (r.status === 'missing') return null;
    if (r.status === 'corrupt') {
      this.log.warn('file integrity state is corrupt, rebuilding it (changes made while stopped are not reported this time)', { file: this.file, reason: r.reason });
      return null;
    }
    return r.value;
  }

  /** Saves up to the entry and byte bounds; returns how many entries did not fit. */
  save(files: Iterable<[string, FileEntry]>): number {
    const parts: string[] = [];
    let bytes = 0;
    let left = 0;
    for (const [p, e] of files) {
      const s = JSON.stringify([p, e.sha256, e.size, e.mode, e.uid, e.gid, e.mtimeMs, e.ctimeMs, e.ino] satisfies Stored);
      if (parts.length >= FIM_STATE_MAX_ENTRIES || bytes + s.length + 1 > FIM_STATE_MAX_BYTES) {
        left++;
        continue;
      }
      parts.push(s);
      bytes += s.length + 1;
    }
    writeFileAtomic(this.file, `{"version":${VERSION},"files":[${parts.join(',')}]}`);
    return left;
  }
}

export type OfflineKind = 'created' | 'deleted' | 'modified' | 'attributes_changed';

export interface OfflineChange {
  kind: OfflineKind;
  path: string;
  before: FileEntry | null;
  after: FileEntry | null;
}

/**
 * What changed between the state saved at the last stop and what is there now. Pure.
 * `covered` says whether a saved path is still watched and reported (a path outside
 * today's configuration is not "deleted").
 */
export function offlineChanges(saved: Map<string, FileEntry>, now: Map<string, FileEntry>, covered: (p: string) => boolean): OfflineChange[] {
  const out: OfflineChange[] = [];
  for (const [p, after] of now) {
    const before = saved.get(p);
    if (!before) {
      out.push({ kind: 'created', path: p, before: null, after });
      continue;
    }
    const content = before.sha256 !== null && after.sha256 !== null ? before.sha256 !== after.sha256 : before.size !== after.size || before.mtimeMs !== after.mtimeMs || before.ino !== after.ino;
    if (content) out.push({ kind: 'modified', path: p, before, after });
    else if (before.mode !== after.mode || before.uid !== after.uid || before.gid !== after.gid) out.push({ kind: 'attributes_changed', path: p, before, after });
  }
  for (const [p, before] of saved) if (!now.has(p) && covered(p)) out.push({ kind: 'deleted', path: p, before, after: null });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
