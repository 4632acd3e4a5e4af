import type { CollectorState } from '../collectors/scheduler.js';
import { sampleLine } from './exposition.js';

/** The exporter's own view of each collector, as sample lines per family. */
export function renderHealth(states: CollectorState[]): Map<string, string> {
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
  for (const s of states) {
    if (s.runs === 0) continue;
    const c = s.spec.name;
    add('hostbaseline_collector_success', c, s.success ? 1 : 0);
    add('hostbaseline_collector_duration_seconds', c, s.lastDurationMs / 1000);
    add('hostbaseline_collector_last_success_timestamp_seconds', c, s.lastSuccessAt === null ? 0 : s.lastSuccessAt / 1000);
    add('hostbaseline_collector_errors_total', c, s.errorsTotal);
    add('hostbaseline_collector_series', c, s.rendered?.series ?? 0);
    add('hostbaseline_series_dropped_total', c, s.droppedTotal);
    add('hostbaseline_parse_errors_total', c, s.parseErrorsTotal);
    add('hostbaseline_rows_capped_total', c, s.cappedTotal);
  }
  return new Map(Object.entries(lines).filter(([, v]) => v !== ''));
}
