import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Reads the header blobs of an rpmdb.sqlite. SQLite needs a real file path, so
 * this is the one place of the software area that touches node:fs: the caller
 * resolves the host path with HostFs.realPath (links stay inside the host root).
 * `hostPath` is only used in messages.
 */
export async function forEachRpmBlob(realPath: string, hostPath: string, each: (hnum: number, blob: Buffer) => void): Promise<void> {
  try {
    await readBlobs(realPath, true, each);
    return;
  } catch (err) {
    if (!isCantOpen(err)) throw describe(err, hostPath);
  }
  // A WAL database whose -shm cannot be created (read-only host mount): read a private copy.
  const dir = mkdtempSync(path.join(tmpdir(), 'hb-rpmdb-'));
  try {
    const copy = path.join(dir, 'rpmdb.sqlite');
    copyFileSync(realPath, copy);
    if (existsSync(realPath + '-wal')) copyFileSync(realPath + '-wal', copy + '-wal');
    await readBlobs(copy, false, each);
  } catch (err) {
    throw describe(err, hostPath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows per page: SQLite calls are synchronous, so the event loop (and scrapes) get a turn between pages. */
const PAGE = 256;

/** node:sqlite is loaded on the first host that has an rpm database (it is built into Node, no addon). */
let sqlite: Promise<typeof import('node:sqlite')> | null = null;

async function readBlobs(file: string, readOnly: boolean, each: (hnum: number, blob: Buffer) => void): Promise<void> {
  const { DatabaseSync } = await (sqlite ??= import('node:sqlite'));
  // A missing file must not be created: the caller has checked it exists, and readOnly never creates.
  const db = new DatabaseSync(file, { readOnly, open: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (!table) throw new NotRpmdb('no Packages table, not an rpm database');
    const page = db.prepare('SELECT hnum, blob FROM Packages WHERE hnum > ? ORDER BY hnum LIMIT ?');
    let after = -Infinity;
    for (;;) {
      const rows = page.all(after, PAGE) as { hnum: number; blob: unknown }[];
      for (const row of rows) {
        if (!(row.blob instanceof Uint8Array)) throw new NotRpmdb(`Packages row ${row.hnum}: blob column is not a BLOB`);
        each(row.hnum, Buffer.from(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength));
        after = row.hnum;
      }
      if (rows.length < PAGE) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    db.close();
  }
}

class NotRpmdb extends Error {}

/** SQLite's primary result codes (the low byte of an extended code). */
const SQLITE_READONLY = 8;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

function sqliteCode(err: unknown): number {
  const code = (err as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : -1;
}

function isCantOpen(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === SQLITE_CANTOPEN || code === SQLITE_READONLY;
}

function describe(err: unknown, hostPath: string): Error {
  if (sqliteCode(err) === SQLITE_NOTADB) return new Error(`${hostPath}: not an SQLite database`);
  return new Error(`${hostPath}: ${(err as Error).message}`);
}
