/**
 * Just enough PromQL reading to list the metric names an expression refers to, so that a
 * test can hold every dashboard and alert query against the metric catalog.
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'atan2', 'inf', 'nan']);

/** Series Prometheus itself adds for every target (not in the exporter's catalog). */
export const PROMETHEUS_SERIES = new Set(['up', 'scrape_samples_scraped', 'scrape_duration_seconds', 'scrape_series_added', 'scrape_samples_post_metric_relabeling', 'ALERTS', 'ALERTS_FOR_STATE']);

/** Metric names used by an expression (identifiers that are not functions, keywords, labels or variables). */
export function metricNames(expr: string): string[] {
  let s = expr
    // string literals (label values, label_replace arguments)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    // {…} label matchers and […] ranges / subqueries
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // grouping label lists
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Grafana variables, durations after offset, numbers
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\boffset\s+-?[\dsmhdwy]+/g, ' ');
  s = s.replace(/\b\d[\w.]*\b/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const word = m[0];
    const after = s.slice(m.index! + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** Label names used in the `{…}` matchers of each metric selector of an expression. */
export function selectorLabels(expr: string): { metric: string; labels: string[] }[] {
  const s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out: { metric: string; labels: string[] }[] = [];
  for (const m of s.matchAll(/([A-Za-z_:][\w:]*)\s*\{([^}]*)\}/g)) {
    const labels = [...m[2]!.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!);
    out.push({ metric: m[1]!, labels });
  }
  return out;
}
