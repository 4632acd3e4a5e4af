import { parse as parseYaml } from 'yaml';

export interface AlertRule {
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The alerting rules of a Prometheus rule file (recording rules are not used here). */
export function parseAlertRules(text: string): AlertRule[] {
  const doc = parseYaml(text) as { groups?: { name: string; rules?: Record<string, unknown>[] }[] };
  if (!doc || !Array.isArray(doc.groups)) throw new Error('alert rules: expected a mapping with "groups"');
  const out: AlertRule[] = [];
  for (const g of doc.groups) {
    for (const r of g.rules ?? []) {
      if (typeof r.alert !== 'string' || typeof r.expr !== 'string') throw new Error(`alert rules: group ${g.name}: every rule needs alert and expr`);
      out.push({
        group: g.name,
        alert: r.alert,
        expr: r.expr,
        ...(typeof r.for === 'string' ? { for: r.for } : {}),
        labels: (r.labels ?? {}) as Record<string, string>,
        annotations: (r.annotations ?? {}) as Record<string, string>,
      });
    }
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The alert list of dashboards/README.md. */
export function renderAlertDocs(text: string): string {
  const rows = parseAlertRules(text).map(
    (r) => `| ${r.alert} | ${r.group.replace(/^hostbaseline\./, '')} | ${r.labels.severity ?? ''} | ${r.for ?? '–'} | ${cell(r.annotations.summary ?? '')} | \`${cell(r.expr)}\` |`,
  );
  return ['| alert | group | severity | for | summary | expression |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
