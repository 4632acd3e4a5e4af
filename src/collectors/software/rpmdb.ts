import type Database from 'better-sqlite3';
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

/** The native SQLite binding is loaded on the first host that has an rpm database. */
let sqlite: Promise<typeof Database> | null = null;

async function readBlobs(file: string, readonly: boolean, each: (hnum: number, blob: Buffer) => void): Promise<void> {
  const Sqlite = await (sqlite ??= import('better-sqlite3').then((m) => m.default));
  const db = new Sqlite(file, { readonly, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (!table) throw new NotRpmdb('no Packages table, not an rpm database');
    const page = db.prepare('SELECT hnum, blob FROM Packages WHERE hnum > ? ORDER BY hnum LIMIT ?');
    let after = -Infinity;
    for (;;) {
      const rows = page.all(after, PAGE) as { hnum: number; blob: unknown }[];
      for (const row of rows) {
        if (!Buffer.isBuffer(row.blob)) throw new NotRpmdb(`Packages row ${row.hnum}: blob column is not a BLOB`);
        each(row.hnum, row.blob);
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

function isCantOpen(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY');
}

function describe(err: unknown, hostPath: string): Error {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new Error(`${hostPath}: not an SQLite database`);
  return new Error(`${hostPath}: ${(err as Error).message}`);
}
