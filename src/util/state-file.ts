import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Files of the state directory (drift baselines, FIM's last view, log positions). The
 * exporter runs as root: a temporary name must never be predictable nor followed as a
 * link, or a planted symlink would make root overwrite its target.
 */

/** A state file bigger than this is treated as corrupt rather than read into memory. */
export const STATE_FILE_MAX_BYTES = 256 * 1024 * 1024;

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Replaces `file` atomically: writes a new file created exclusively (O_EXCL|O_NOFOLLOW,
 * random name, same directory), syncs it, then renames it over `file`. A link at `file`
 * itself is replaced, never followed.
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd = -1;
  let tmp = '';
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      fd = openSync(tmp, WRITE_FLAGS, mode);
    } catch (err) {
      // Something already sits at that name (a planted link): never reuse it, pick another.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw err;
    }
  }
  let written = false;
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) removeQuietly(tmp);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already
  }
}

export type StateRead<T> = { status: 'missing' } | { status: 'ok'; value: T } | { status: 'corrupt'; reason: string };

/**
 * Reads a JSON state file without following a link, and checks its shape. Garbage,
 * truncation, a link, an oversized file and a well-formed document of the wrong shape
 * all come back as `corrupt` with the reason, so the caller logs it and rebuilds.
 * `check` returns the typed value, or a string saying what is wrong.
 */
export function readStateJson<T>(file: string, check: (doc: unknown) => T | string): StateRead<T> {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    if (code === 'ELOOP') return { status: 'corrupt', reason: 'is a symbolic link' };
    return { status: 'corrupt', reason: (err as Error).message };
  }
  let text: string;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { status: 'corrupt', reason: 'not a regular file' };
    if (st.size > STATE_FILE_MAX_BYTES) return { status: 'corrupt', reason: `larger than ${STATE_FILE_MAX_BYTES} bytes` };
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const r = readSync(fd, buf, n, st.size - n, n);
      if (r === 0) break;
      n += r;
    }
    text = buf.subarray(0, n).toString('utf8');
  } catch (err) {
    return { status: 'corrupt', reason: (err as Error).message };
  } finally {
    closeSync(fd);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { status: 'corrupt', reason: `not JSON (${text.length === 0 ? 'empty' : (err as Error).message})` };
  }
  const v = check(doc);
  return typeof v === 'string' ? { status: 'corrupt', reason: v } : { status: 'ok', value: v };
}

/** A plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
