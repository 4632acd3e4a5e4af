import type { FactRow, TableSpec } from '../types.js';
import type { FileFacts } from './common.js';

/** The one-row `<collector>_file` table of collectors that read one long system table file. */
export function FILE_SUMMARY_TABLE(collector: string): TableSpec {
  return {
    name: `${collector}_file`,
    key: ['path'],
    description: 'The file itself: entries, flagged entries, sha256, size, mtime.',
    drift: true,
    volatile: ['mtime'],
  };
}

export function fileSummary(f: FileFacts, entries: number, flagged = 0): FactRow {
  return { path: f.path, entries, flagged, sha256: f.sha256, size: f.size, mtime: f.mtime };
}
