import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildDashboards,
  DASHBOARDS,
  metricNames,
  parseAlertRules,
  PROMETHEUS_SERIES,
  queryPanels,
  renderDashboard,
  renderReadme,
  selectorLabels,
} from '../../../src/dashboards/index.js';
import { loadCatalog } from '../../../src/metrics/catalog.js';
import { REPO } from '../../helpers.js';

const catalog = loadCatalog();
const dashboards = buildDashboards();
const alertsText = readFileSync(path.join(REPO, 'dashboards', 'alerts.yaml'), 'utf8');
const alerts = parseAlertRules(alertsText);
const read = (...p: string[]) => readFileSync(path.join(REPO, ...p), 'utf8');

/** Every query of every dashboard and every alert, with where it comes from. */
const queries: { where: string; expr: string }[] = [
  ...dashboards.flatMap(({ file, dashboard }) =>
    queryPanels(dashboard).flatMap(({ panel }) => panel.targets.map((t) => ({ where: `${file}: ${panel.title} ${t.refId}`, expr: t.expr }))),
  ),
  ...dashboards.flatMap(({ file, dashboard }) =>
    dashboard.templating.list.filter((v) => v.type === 'query').map((v) => ({ where: `${file}: variable ${v.name}`, expr: String(v.definition).replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
  ),
  ...alerts.map((a) => ({ where: `alerts.yaml: ${a.alert}`, expr: a.expr })),
];

describe('metric names in queries', () => {
  it('finds metric names and leaves out functions, keywords, labels and variables', () => {
    expect(metricNames('sum by (instance) (rate(a_total{job=~"$job"}[$__rate_interval])) / on (instance) group_left (x) b offset 1h')).toEqual(['a_total', 'b']);
    expect(metricNames('topk(15, time() - (c{x="sum(y)"} > 0)) or vector(0)')).toEqual(['c']);
    expect(metricNames('up == 0 and on (job, instance) max_over_time(d[1d])')).toEqual(['d', 'up']);
    expect(metricNames('sum(e) by (mode) > bool 3 * 86400')).toEqual(['e']);
  });

  it('finds the labels of each selector', () => {
    expect(selectorLabels('a{job=~"$job", x!="}"} * b{instance="$instance"} + c')).toEqual([
      { metric: 'a', labels: ['job', 'x'] },
      { metric: 'b', labels: ['instance'] },
    ]);
  });

  it('every dashboard and alert query uses only families of the catalog (or Prometheus\' own series)', () => {
    const unknown = queries.flatMap((q) => metricNames(q.expr).filter((n) => !catalog.byName.has(n) && !PROMETHEUS_SERIES.has(n)).map((n) => `${q.where}: ${n}`));
    expect(unknown).toEqual([]);
    expect(queries.length).toBeGreaterThan(100);
  });

  it('every label matcher names a label of its family (or job/instance)', () => {
    const problems: string[] = [];
    for (const q of queries) {
      for (const { metric, labels } of selectorLabels(q.expr)) {
        const family = catalog.byName.get(metric);
        const known = new Set(['job', 'instance', ...(family?.labels ?? [])]);
        if (!family) continue; // Prometheus' own series: up, scrape_*
        for (const l of labels) if (!known.has(l)) problems.push(`${q.where}: ${metric} has no label ${l}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('dashboards', () => {
  it('the committed JSON is the generator\'s output (npm run dashboards)', () => {
    for (const { file, dashboard } of dashboards) {
      expect(read('dashboards', file), `dashboards/${file}: run npm run dashboards`).toBe(renderDashboard(dashboard));
      expect(read('helm', 'hostbaseline', 'files', 'dashboards', file), `chart copy of ${file}`).toBe(renderDashboard(dashboard));
    }
    expect(read('helm', 'hostbaseline', 'files', 'alerts.yaml')).toBe(alertsText);
  });

  it('dashboards/README.md has the current panel reference and alert list (npm run dashboards)', () => {
    const readme = read('dashboards', 'README.md');
    expect(readme).toBe(renderReadme(readme, alertsText));
    for (const a of alerts) expect(readme).toContain(`| ${a.alert} |`);
  });

  it('has stable, unique uids and at least the three dashboards', () => {
    expect(dashboards.map((d) => d.dashboard.uid)).toEqual(['hostbaseline-fleet', 'hostbaseline-host', 'hostbaseline-exporter']);
    expect(DASHBOARDS.map((d) => d.file)).toEqual(dashboards.map((d) => `${d.dashboard.uid}.json`));
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      const json = JSON.parse(renderDashboard(dashboard));

      it('provisions without __inputs: a datasource variable, job and instance from hostbaseline_os_info', () => {
        expect(json.__inputs).toBeUndefined();
        expect(JSON.stringify(json)).not.toContain('${DS_');
        expect(json.schemaVersion).toBe(39);
        expect(json.time).toEqual({ from: expect.any(String), to: 'now' });
        expect(json.refresh).toMatch(/^\d+[smh]$/);
        const vars = json.templating.list;
        expect(vars.map((v: { name: string }) => v.name)).toEqual(['datasource', 'job', 'instance']);
        expect(vars[0]).toMatchObject({ type: 'datasource', query: 'prometheus' });
        expect(vars[1]).toMatchObject({ type: 'query', definition: 'label_values(hostbaseline_os_info, job)', datasource: { uid: '${datasource}' } });
        expect(vars[2]).toMatchObject({ type: 'query', definition: 'label_values(hostbaseline_os_info{job=~"$job"}, instance)' });
      });

      it('every panel and target uses the datasource variable; ids are unique; every panel has a gridPos', () => {
        const ids: number[] = [];
        for (const p of json.panels) {
          ids.push(p.id);
          expect(p.gridPos, p.title).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
          if (p.type === 'row') {
            expect(p.collapsed, p.title).toBe(true);
            expect(p.panels.length, p.title).toBeGreaterThan(0);
          }
          for (const inner of p.type === 'row' ? p.panels : [p]) {
            if (inner !== p) ids.push(inner.id);
            expect(inner.gridPos.x + inner.gridPos.w, inner.title).toBeLessThanOrEqual(24);
            expect(inner.datasource, inner.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
            expect(inner.targets.length, inner.title).toBeGreaterThan(0);
            for (const t of inner.targets) expect(t.datasource, inner.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
            expect(inner.description.length, inner.title).toBeGreaterThan(20);
          }
        }
        expect(new Set(ids).size).toBe(ids.length);
      });

      it('panels do not overlap, rows follow the panels above them', () => {
        const cells = new Set<string>();
        const occupy = (p: { title: string; gridPos: { x: number; y: number; w: number; h: number } }) => {
          for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
            for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
              const k = `${x},${y}`;
              expect(cells.has(k), `${p.title} overlaps at ${k}`).toBe(false);
              cells.add(k);
            }
        };
        // Collapsed rows take one line each; their panels are laid out as if the row were open.
        for (const p of json.panels) occupy(p);
        for (const r of json.panels.filter((p: { type: string }) => p.type === 'row')) {
          const inner = new Set<string>();
          for (const p of r.panels) {
            expect(p.gridPos.y).toBeGreaterThan(r.gridPos.y);
            for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
              for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
                expect(inner.has(`${x},${y}`), `${p.title} overlaps`).toBe(false);
                inner.add(`${x},${y}`);
              }
          }
        }
      });

      it('every query selects by $job and $instance', () => {
        for (const { panel } of queryPanels(dashboard))
          for (const t of panel.targets) {
            expect(t.expr, panel.title).toContain('job=~"$job"');
            expect(t.expr, panel.title).toMatch(/instance=~?"\$instance"/);
          }
      });
    });
  }

  it('Host detail has a collapsed row per area', () => {
    const host = dashboards.find((d) => d.dashboard.uid === 'hostbaseline-host')!.dashboard;
    const rows = host.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['System', 'Users and access', 'Network exposure', 'Hardware and firmware', 'Processes', 'Software inventory', 'Containers', 'File integrity', 'Security modules']);
  });
});

describe('alert rules', () => {
  it('every alert has a severity, a summary and a description, and a unique name', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(11);
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
    for (const a of alerts) {
      expect(['critical', 'warning', 'info'], a.alert).toContain(a.labels.severity);
      expect(a.annotations.summary, a.alert).toBeTruthy();
      expect(a.annotations.description, a.alert).toBeTruthy();
      expect(a.alert, a.alert).toMatch(/^Hostbaseline[A-Z]\w+$/);
    }
  });

  it('covers what the issue asks for', () => {
    const names = alerts.map((a) => a.alert);
    for (const n of [
      'HostbaselineNewUid0Account',
      'HostbaselineSshdPasswordAuthentication',
      'HostbaselineSshdPermitRootLogin',
      'HostbaselineNewSudoNopasswdRule',
      'HostbaselineNewSuidFile',
      'HostbaselineLdSoPreload',
      'HostbaselineUnsignedPackageSource',
      'HostbaselinePrivilegedContainer',
      'HostbaselineRebootPending',
      'HostbaselineCollectorFailing',
      'HostbaselineEventsDropped',
      'HostbaselineExporterDown',
      'HostbaselineNewWildcardListeningPort',
      'HostbaselineRaidDegraded',
    ])
      expect(names).toContain(n);
  });

  it('"new" alerts are guarded against hosts and collectors that were not reporting before', () => {
    for (const a of alerts.filter((x) => / offset /.test(x.expr) && / unless /.test(x.expr)))
      expect(a.expr, a.alert).toMatch(/and on \(job, instance\) \(hostbaseline_collector_success\{collector="\w+"\} offset 1h == 1\)/);
  });
});
