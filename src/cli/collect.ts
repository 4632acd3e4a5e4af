import type { CollectorConfig } from '../collectors/types.js';
import type { CollectorSpec, FactValue } from '../collectors/types.js';
import type { ExporterConfig } from '../config/config.js';
import { factsAsJson } from '../report/model.js';
import { createLogger } from '../util/logger.js';
import type { Io } from './main.js';
import { createRuntime } from './runtime.js';

function cell(v: FactValue | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(/\s+/g, ' ');
}

/** `collect <name…>`: runs the named collectors once against the host root and prints their rows. */
export async function runCollect(
  names: string[],
  specs: CollectorSpec[],
  config: ExporterConfig,
  format: 'table' | 'json',
  io: Io,
): Promise<number> {
  if (names.length === 0) {
    io.stderr('hostbaseline-exporter: error: collect needs at least one collector name (see `list`)\n');
    return 2;
  }
  const known = new Set(specs.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    io.stderr(`hostbaseline-exporter: error: unknown collector: ${unknown.join(', ')}\n`);
    return 2;
  }
  const configs = new Map<string, CollectorConfig>();
  for (const n of names) configs.set(n, { ...config.collectors.get(n)!, enabled: true });
  // Logs go to stderr so that stdout stays the rows alone.
  const log = createLogger({ level: config.logLevel === 'debug' ? 'debug' : 'warn', format: config.logFormat, write: (l) => io.stderr(l + '\n') });
  let rt;
  try {
    rt = createRuntime(specs, config, { configs, log });
  } catch (err) {
    io.stderr(`hostbaseline-exporter: error: ${(err as Error).message}\n`);
    return 2;
  }
  await rt.scheduler.runAll();
  let failed = 0;
  const states = names.map((name) => rt.scheduler.get(name)!);
  for (const s of states) {
    if (!s.success) {
      failed++;
      io.stderr(`collector ${s.spec.name} failed: ${s.lastError}\n`);
      continue;
    }
    if (format === 'json') continue;
    for (const t of s.tables ?? []) {
      io.stdout(`# ${s.spec.name} / ${t.name}: ${t.rows.length} row${t.rows.length === 1 ? '' : 's'}\n`);
      if (t.rows.length === 0) continue;
      const cols = [...new Set(t.rows.flatMap((r) => Object.keys(r)))];
      const rows = [cols, ...t.rows.map((r) => cols.map((c) => cell(r[c])))];
      const widths = cols.map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i]!.length))));
      for (const r of rows) io.stdout(r.map((c, i) => (c.length > 60 ? c.slice(0, 59) + '…' : c).padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
      io.stdout('\n');
    }
  }
  // The same model as the host report's facts; on the host itself, host-only columns are shown.
  if (format === 'json') io.stdout(JSON.stringify(factsAsJson(states, { hostOnly: true }), null, 2) + '\n');
  return failed ? 1 : 0;
}
