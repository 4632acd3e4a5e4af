import type { CollectorState } from '../collectors/types.js';
import { sampleLine } from './exposition.js';

/**
 * How much the exporter says about each collector. `basic` keeps what node_exporter
 * users rely on (node_scrape_collector_success and _duration_seconds): two series per
 * collector, plus exporter-wide totals of dropped series, parse errors and capped rows. `full`
 * adds the per-collector detail (last success time, failed refreshes, series, drops, parse
 * errors, capped rows).
 */
export type HealthDetail = 'basic' | 'full';
export const HEALTH_DETAILS: HealthDetail[] = ['basic', 'full'];

/** The exporter's own view of each collector, as sample lines per family. */
export function renderHealth(states: CollectorState[], detail: HealthDetail = 'full'): Map<string, string> {
  const lines: Record<string, string> = {
    hostbaseline_collector_success: '',
    hostbaseline_collector_duration_seconds: '',
    hostbaseline_collector_last_success_timestamp_seconds: '',
    hostbaseline_collector_errors_total: '',
    hostbaseline_collector_series: '',
    hostbaseline_series_dropped_total: '',
    hostbaseline_parse_errors_total: '',
    hostbaseline_rows_capped_total: '',
  };
  const add = (family: string, collector: string, value: number) => {
    lines[family] += sampleLine(family, [['collector', collector]], value);
  };
  let dropped = 0;
  let parseErrors = 0;
  let capped = 0;
  let ran = 0;
  for (const s of states) {
    if (s.runs === 0) continue;
    ran++;
    const c = s.spec.name;
    add('hostbaseline_collector_success', c, s.success ? 1 : 0);
    add('hostbaseline_collector_duration_seconds', c, s.lastDurationMs / 1000);
    dropped += s.droppedTotal;
    parseErrors += s.parseErrorsTotal;
    capped += s.cappedTotal;
    if (detail === 'basic') continue;
    add('hostbaseline_collector_last_success_timestamp_seconds', c, s.lastSuccessAt === null ? 0 : s.lastSuccessAt / 1000);
    add('hostbaseline_collector_errors_total', c, s.errorsTotal);
    add('hostbaseline_collector_series', c, s.rendered?.series ?? 0);
    add('hostbaseline_series_dropped_total', c, s.droppedTotal);
    add('hostbaseline_parse_errors_total', c, s.parseErrorsTotal);
    add('hostbaseline_rows_capped_total', c, s.cappedTotal);
  }
  if (detail === 'basic' && ran > 0) {
    lines.hostbaseline_series_dropped_total = sampleLine('hostbaseline_series_dropped_total', [], dropped);
    lines.hostbaseline_parse_errors_total = sampleLine('hostbaseline_parse_errors_total', [], parseErrors);
    lines.hostbaseline_rows_capped_total = sampleLine('hostbaseline_rows_capped_total', [], capped);
  }
  return new Map(Object.entries(lines).filter(([, v]) => v !== ''));
}
