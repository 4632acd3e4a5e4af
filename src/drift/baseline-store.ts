import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FactRow } from '../collectors/types.js';

interface StoredBaseline {
  version: 1;
  collector: string;
  table: string;
  at: number;
  rows: FactRow[];
}

/** One JSON file per table under `<state>/drift/`, replaced atomically (write then rename). */
export class BaselineStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'drift');
  }

  private fileOf(collector: string, table: string): string {
    return path.join(this.dir, `${collector}.${table}.json`.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  /** The stored rows, or null when this table was never seen (or its file is unreadable). */
  load(collector: string, table: string): FactRow[] | null {
    let text: string;
    try {
      text = readFileSync(this.fileOf(collector, table), 'utf8');
    } catch {
      return null;
    }
    try {
      const doc = JSON.parse(text) as StoredBaseline;
      return doc.version === 1 && Array.isArray(doc.rows) ? doc.rows : null;
    } catch {
      return null;
    }
  }

  save(collector: string, table: string, rows: FactRow[], at: number): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(collector, table);
    const tmp = `${file}.${process.pid}.tmp`;
    const doc: StoredBaseline = { version: 1, collector, table, at, rows };
    writeFileSync(tmp, JSON.stringify(doc), { mode: 0o600 });
    renameSync(tmp, file);
  }
}
