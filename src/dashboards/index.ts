import { renderAlertDocs } from './alerts.js';
import { exporterHealth } from './exporter.js';
import { fleetOverview } from './fleet.js';
import { hostDetail } from './host.js';
import { buildDashboard, type Dashboard, type DashboardSpec, type PanelSpec } from './model.js';

export { metricNames, PROMETHEUS_SERIES, selectorLabels } from './promql.js';
export { parseAlertRules, renderAlertDocs, type AlertRule } from './alerts.js';
export { queryPanels, type Dashboard, type DashboardSpec } from './model.js';

/** The dashboards, by file name under dashboards/ (and helm/hostbaseline/files/dashboards/). */
export const DASHBOARDS: { file: string; spec: DashboardSpec }[] = [
  { file: 'hostbaseline-fleet.json', spec: fleetOverview },
  { file: 'hostbaseline-host.json', spec: hostDetail },
  { file: 'hostbaseline-exporter.json', spec: exporterHealth },
];

export function buildDashboards(): { file: string; dashboard: Dashboard }[] {
  return DASHBOARDS.map((d) => ({ file: d.file, dashboard: buildDashboard(d.spec) }));
}

/**
 * The JSON text written to disk: stable key order, two-space indent, no final newline (the chart's
 * ConfigMaps embed the file with `|-`, and the Grafana sidecar must get the same bytes).
 */
export function renderDashboard(d: Dashboard): string {
  return JSON.stringify(d, null, 2);
}

const PANEL_KIND: Record<PanelSpec['type'], string> = { stat: 'stat', timeseries: 'time series', table: 'table', bargauge: 'bar gauge' };

function panelDoc(p: PanelSpec): string {
  const queries = p.targets.map((t) => `\`${t.expr.replace(/\|/g, '\\|')}\``).join('<br>');
  return `| ${p.title} (${PANEL_KIND[p.type]}) | ${p.description} | ${queries} | ${p.use} |`;
}

/** The panel reference of dashboards/README.md: every panel, what it shows, its queries, what to do with it. */
export function renderPanelDocs(): string {
  const out: string[] = [];
  for (const { file, spec } of DASHBOARDS) {
    out.push(`### ${spec.title.replace(/^hostbaseline \/ /, '')} (\`${file}\`, uid \`${spec.uid}\`)`, '', spec.description, '');
    const sections: [string, PanelSpec[]][] = [['Always visible', spec.top], ...spec.rows.map((r): [string, PanelSpec[]] => [`Row "${r.title}" (collapsed)`, r.panels])];
    for (const [title, panels] of sections) {
      out.push(`#### ${title}`, '', '| panel | what it shows | query | what to do with it |', '| --- | --- | --- | --- |');
      for (const p of panels) out.push(panelDoc(p));
      out.push('');
    }
  }
  return out.join('\n');
}

/** Replaces the text between `<!-- <name>:begin … -->` and `<!-- <name>:end -->` of a document. */
export function replaceSection(doc: string, name: string, body: string): string {
  const begin = new RegExp(`<!-- ${name}:begin[^>]*-->`).exec(doc);
  const end = doc.indexOf(`<!-- ${name}:end -->`);
  if (!begin || end < begin.index) throw new Error(`markers <!-- ${name}:begin --> … <!-- ${name}:end --> not found`);
  const at = begin.index + begin[0].length;
  return `${doc.slice(0, at)}\n${body}\n${doc.slice(end)}`;
}

/** dashboards/README.md with its generated sections (alert list, panel reference) brought up to date. */
export function renderReadme(current: string, alertsYaml: string): string {
  return replaceSection(replaceSection(current, 'alerts', renderAlertDocs(alertsYaml)), 'panels', renderPanelDocs());
}
