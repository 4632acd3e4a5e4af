import * as path from 'node:path';
import type { FactRow } from '../collectors/types.js';
import type { Logger } from '../util/logger.js';
import { isRecord, readStateJson, writeFileAtomic } from '../util/state-file.js';
import { decodeRow, encodeRow } from './values.js';

const VERSION = 2;

interface StoredBaseline {
  version: typeof VERSION;
  collector: string;
  table: string;
  at: number;
  /** The columns rows are compared by (the drift policy's identity); another set means another policy. */
  identity: string[];
  rows: ReturnType<typeof encodeRow>[];
}

/** Checks a parsed baseline document: the rows, or what is wrong. */
function checkBaseline(doc: unknown): { identity: string[]; version: number; rows: FactRow[] } | string {
  if (!isRecord(doc)) return 'not a JSON object';
  if (doc.version !== VERSION) return typeof doc.version === 'number' && doc.version < VERSION ? `old format (version ${doc.version})` : 'unknown version';
  if (!Array.isArray(doc.identity) || !doc.identity.every((c) => typeof c === 'string')) return 'no identity columns';
  if (!Array.isArray(doc.rows)) return '"rows" is not an array';
  const rows: FactRow[] = [];
  for (const [i, raw] of doc.rows.entries()) {
    const row = decodeRow(raw);
    if (typeof row === 'string') return `row ${i}: ${row}`;
    rows.push(row);
  }
  return { identity: doc.identity as string[], version: VERSION, rows };
}

/**
 * One JSON file per drift table under `<state>/drift/`, replaced atomically. Values keep
 * "unlimited", "unknown" and "absent" apart (drift/values.ts). A file that cannot be used
 * (garbage, truncated, valid JSON of the wrong shape, a link) is logged once and rebuilt.
 */
export class BaselineStore {
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.dir = path.join(stateDir, 'drift');
  }

  fileOf(collector: string, table: string): string {
    return path.join(this.dir, `${collector}.${table}.json`.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  /** The stored rows, or null when there are none to compare with (never seen, unusable, another policy). */
  load(collector: string, table: string, identity: string[]): FactRow[] | null {
    const file = this.fileOf(collector, table);
    const r = readStateJson(file, checkBaseline);
    if (r.status === 'missing') return null;
    if (r.status === 'corrupt') {
      const old = r.reason.startsWith('old format');
      this.log[old ? 'info' : 'warn'](old ? 'drift baseline in an old format, rebuilding it' : 'drift baseline is corrupt, rebuilding it', {
        collector,
        table,
        file,
        reason: r.reason,
      });
      return null;
    }
    if (r.value.identity.join('\0') !== identity.join('\0')) {
      this.log.info('drift policy of the table changed, rebuilding its baseline', { collector, table, was: r.value.identity.join(','), now: identity.join(',') });
      return null;
    }
    return r.value.rows;
  }

  save(collector: string, table: string, identity: string[], rows: FactRow[], at: number): void {
    const doc: StoredBaseline = { version: VERSION, collector, table, at, identity, rows: rows.map(encodeRow) };
    writeFileAtomic(this.fileOf(collector, table), JSON.stringify(doc));
  }
}
