import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isNotFound, type HostFs } from '../host/hostfs.js';
import { fsPath } from '../host/names.js';
import type { Logger } from '../util/logger.js';
import { isRecord, readStateJson, writeFileAtomic } from '../util/state-file.js';

const CHUNK = 256 * 1024;
/** Most bytes read per poll, so a huge backlog never starves the event loop. */
const MAX_READ_PER_POLL = 16 * 1024 * 1024;

export interface Position {
  file: string;
  dev: number;
  ino: number;
  /** Byte offset just after the last complete line handed on. */
  offset: number;
}

export interface FollowerOptions {
  fs: HostFs;
  /** Host path of the log file (`/var/log/audit/audit.log`); links are resolved inside the host root. */
  file: string;
  /** Where the position is kept (a local path in the state directory), or null to keep none. */
  stateFile: string | null;
  log: Logger;
  onLine(line: string): void;
  /** Called once per line longer than maxLineBytes (the line is skipped). */
  onOversized?(bytes: number): void;
  maxLineBytes?: number;
  pollMs?: number;
  /** With no saved position, start at the end of an existing file (tail -f) rather than at its start. */
  startAtEnd?: boolean;
}

/** The name a rotated file gets (logrotate, auditd): checked for the rest of the old file after a restart. */
function rotatedCandidates(file: string): string[] {
  return [`${file}.1`, `${file}.0`];
}

function checkPosition(doc: unknown): Position | string {
  if (!isRecord(doc)) return 'not a JSON object';
  const { file, dev, ino, offset } = doc;
  if (typeof file !== 'string' || ![dev, ino, offset].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) return 'not a position (file, dev, ino, offset)';
  return { file, dev: dev as number, ino: ino as number, offset: offset as number };
}

/** The saved position, or null when there is none or it is unusable (logged when `log` is given). */
export function readPosition(stateFile: string, log?: Logger): Position | null {
  const r = readStateJson(stateFile, checkPosition);
  if (r.status === 'corrupt') log?.warn('log position file is corrupt, starting over', { file: stateFile, reason: r.reason });
  return r.status === 'ok' ? r.value : null;
}

function writePosition(stateFile: string, p: Position): void {
  writeFileAtomic(stateFile, JSON.stringify(p));
}

/** A file name for a followed log's position inside the state directory. */
export function positionFileFor(stateDir: string, hostPath: string): string {
  return path.join(stateDir, 'positions', hostPath.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_') + '.json');
}

/**
 * Follows a growing log file like `tail -F`: reads complete lines, keeps a partial last
 * line until it is completed, survives rotation (the rest of the old file is read before
 * the new one) and truncation (start again at 0), and keeps its position in a state file
 * so that a restart neither reads a line twice nor loses one.
 */
export class FileFollower {
  private fh: fsp.FileHandle | null = null;
  private dev = 0;
  private ino = 0;
  /** Where the next read starts. */
  private offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an oversized line: skip until its end. */
  private skipping = false;
  private skippedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private firstOpen = true;
  private savedOffset = -1;
  private lastError = '';
  private readonly maxLine: number;

  constructor(private readonly o: FollowerOptions) {
    this.maxLine = o.maxLineBytes ?? 64 * 1024;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.poll()
        .catch((err) => this.report(err))
        .finally(() => {
          this.polling = null;
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.o.pollMs ?? 250);
            this.timer.unref();
          }
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    this.save(true);
    await this.fh?.close().catch(() => {});
    this.fh = null;
  }

  private report(err: unknown): void {
    const msg = (err as Error).message;
    if (msg !== this.lastError) this.o.log.warn('cannot follow log file', { file: this.o.file, err: msg });
    this.lastError = msg;
  }

  /** The offset of the last complete line handed on. */
  get position(): number {
    return this.offset - this.pendingBytes;
  }

  /** One round: open if needed, read what is new, handle rotation and truncation. */
  async poll(): Promise<void> {
    if (!this.fh && !(await this.open())) return;
    const st = await this.fh!.stat();
    if (st.size < this.offset) {
      // Truncated in place (copytruncate, `> file`): start again at the beginning.
      this.o.log.info('log file truncated, reading from the start', { file: this.o.file });
      this.offset = 0;
      this.resetPending();
    }
    await this.readToEnd(this.fh!);
    // Rotated: the path now names another file. The old one is read to its end first.
    const now = await this.statPath();
    if (now && (now.ino !== this.ino || now.dev !== this.dev)) {
      await this.readToEnd(this.fh!);
      this.flushPartial();
      await this.fh!.close().catch(() => {});
      this.fh = null;
      this.o.log.info('log file rotated', { file: this.o.file });
      if (await this.open(0)) await this.readToEnd(this.fh!);
    }
    this.lastError = '';
    this.save(false);
  }

  private async statPath(): Promise<{ dev: number; ino: number } | null> {
    try {
      const st = await fsp.stat(fsPath(await this.o.fs.realPath(this.o.file)));
      return { dev: st.dev, ino: st.ino };
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Opens the file; `at` forces the offset (a new file after rotation). */
  private async open(at?: number): Promise<boolean> {
    let real: string;
    try {
      real = await this.o.fs.realPath(this.o.file);
    } catch (err) {
      if (isNotFound(err)) return (this.firstOpen = false);
      throw err;
    }
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(fsPath(real), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return (this.firstOpen = false);
      throw err;
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new Error(`${this.o.file}: not a regular file`);
    }
    this.fh = fh;
    this.dev = st.dev;
    this.ino = st.ino;
    this.resetPending();
    if (at !== undefined) this.offset = at;
    else {
      const saved = this.o.stateFile ? readPosition(this.o.stateFile, this.o.log) : null;
      if (saved && saved.ino === st.ino && saved.dev === st.dev && saved.offset <= st.size) this.offset = saved.offset;
      else if (saved) {
        // Rotated while we were down: finish the old file if it is still beside the new one.
        await this.finishRotated(saved);
        this.offset = 0;
      } else this.offset = this.firstOpen && this.o.startAtEnd ? st.size : 0;
    }
    this.firstOpen = false;
    return true;
  }

  private async finishRotated(saved: Position): Promise<void> {
    for (const candidate of rotatedCandidates(this.o.file)) {
      let fh: fsp.FileHandle | null = null;
      try {
        fh = await fsp.open(fsPath(await this.o.fs.realPath(candidate)), 'r');
        const st = await fh.stat();
        if (st.ino !== saved.ino || st.dev !== saved.dev || st.size < saved.offset) continue;
        const keep = this.offset;
        this.offset = saved.offset;
        await this.readToEnd(fh);
        this.flushPartial();
        this.offset = keep;
        return;
      } catch {
        // not there
      } finally {
        await fh?.close().catch(() => {});
      }
    }
  }

  private resetPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
    this.skippedBytes = 0;
  }

  /** The old file's unterminated last line is complete once the file is rotated away. */
  private flushPartial(): void {
    if (this.pendingBytes > 0 && !this.skipping) this.o.onLine(Buffer.concat(this.pending).toString('utf8'));
    this.resetPending();
  }

  private async readToEnd(fh: fsp.FileHandle): Promise<void> {
    let total = 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    while (total < MAX_READ_PER_POLL) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      total += bytesRead;
      this.split(buf.subarray(0, bytesRead));
    }
  }

  private split(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (this.skipping) {
        this.o.onOversized?.(this.skippedBytes + piece.length);
        this.skipping = false;
        this.skippedBytes = 0;
      } else if (this.pendingBytes + piece.length > this.maxLine) {
        this.o.onOversized?.(this.pendingBytes + piece.length);
      } else {
        const line = this.pendingBytes > 0 ? Buffer.concat([...this.pending, piece]) : piece;
        this.o.onLine(line.toString('utf8'));
      }
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    if (this.skipping) {
      this.skippedBytes += rest.length;
    } else if (this.pendingBytes + rest.length > this.maxLine) {
      this.skipping = true;
      this.skippedBytes = this.pendingBytes + rest.length;
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      this.pending.push(Buffer.from(rest)); // copy: the read buffer is reused
      this.pendingBytes += rest.length;
    }
  }

  private save(force: boolean): void {
    if (!this.o.stateFile || !this.ino) return;
    // While inside an oversized line the position stays before it; it is skipped again after a restart.
    const offset = this.skipping ? this.offset - this.skippedBytes : this.position;
    if (!force && offset === this.savedOffset) return;
    try {
      writePosition(this.o.stateFile, { file: this.o.file, dev: this.dev, ino: this.ino, offset });
      this.savedOffset = offset;
    } catch (err) {
      this.report(err);
    }
  }
}
