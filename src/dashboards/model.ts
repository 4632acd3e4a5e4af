/**
 * A small typed model of Grafana dashboard JSON (schemaVersion 39): just the panel kinds,
 * variables and options the hostbaseline dashboards use. Builders fill in the boilerplate
 * Grafana expects so that the definitions stay about queries and meaning.
 */

export const SCHEMA_VERSION = 39;

/** Every panel and target points at the dashboard's data source variable (file provisioning friendly). */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table';
  datasource: typeof DATASOURCE;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export type PanelType = 'stat' | 'timeseries' | 'table' | 'bargauge';

/** A panel before layout: size instead of position, no id yet. */
export interface PanelSpec {
  type: PanelType;
  title: string;
  /** What it shows (Grafana shows it as the panel's info tooltip). */
  description: string;
  /** What a user does with it (README and tooltip). */
  use: string;
  w: number;
  h: number;
  targets: Omit<Target, 'datasource'>[];
  fieldConfig: Record<string, unknown>;
  options: Record<string, unknown>;
  transformations?: Record<string, unknown>[];
}

export interface Panel {
  id: number;
  type: PanelType;
  title: string;
  description: string;
  gridPos: GridPos;
  datasource: typeof DATASOURCE;
  targets: Target[];
  fieldConfig: Record<string, unknown>;
  options: Record<string, unknown>;
  transformations?: Record<string, unknown>[];
}

export interface RowPanel {
  id: number;
  type: 'row';
  title: string;
  collapsed: true;
  gridPos: GridPos;
  panels: Panel[];
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface Variable {
  type: 'datasource' | 'query';
  name: string;
  label: string;
  [k: string]: unknown;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Panels above the rows (always visible). */
  top: PanelSpec[];
  rows: RowSpec[];
  variables: Variable[];
  refresh?: string;
  from?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  graphTooltip: number;
  schemaVersion: number;
  version: number;
  time: { from: string; to: string };
  refresh: string;
  timezone: string;
  fiscalYearStartMonth: number;
  liveNow: boolean;
  timepicker: Record<string, unknown>;
  annotations: { list: Record<string, unknown>[] };
  links: Record<string, unknown>[];
  templating: { list: Variable[] };
  panels: (Panel | RowPanel)[];
}

// ---------------------------------------------------------------- variables

export function datasourceVariable(): Variable {
  return { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', refresh: 1, regex: '', hide: 0, current: {}, options: [] };
}

/** A label_values() query variable on the data source variable. */
export function labelValuesVariable(name: string, label: string, query: string, o: { multi: boolean }): Variable {
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE,
    query: { query, refId: `${name}-label-values` },
    definition: query,
    refresh: 2,
    sort: 1,
    regex: '',
    hide: 0,
    multi: o.multi,
    includeAll: o.multi,
    // Grafana's own "All" value would list every value in the regex; .+ stays short on big fleets.
    ...(o.multi ? { allValue: '.+' } : {}),
    current: {},
    options: [],
  };
}

// ---------------------------------------------------------------- panels

const REFIDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface Query {
  expr: string;
  legend?: string;
}

interface Common {
  title: string;
  description: string;
  use: string;
  w?: number;
  h?: number;
  unit?: string;
}

/** Thresholds: green below `warnAt`, red from it (security counts: anything above 0 is a finding). */
function thresholds(warnAt: number | null) {
  return {
    mode: 'absolute',
    steps: warnAt === null ? [{ color: 'green', value: null }] : [{ color: 'green', value: null }, { color: 'red', value: warnAt }],
  };
}

function targets(queries: Query[], o: { instant?: boolean; table?: boolean } = {}): Omit<Target, 'datasource'>[] {
  return queries.map((q, i) => ({
    refId: REFIDS[i]!,
    expr: q.expr,
    ...(q.legend !== undefined ? { legendFormat: q.legend } : {}),
    ...(o.instant ? { instant: true, range: false } : { range: true }),
    ...(o.table ? { format: 'table' as const } : {}),
  }));
}

/** One number (or one text via `legend` and `text: true`). */
export function stat(c: Common & { query: Query; warnAt?: number | null; text?: boolean; graph?: boolean }): PanelSpec {
  return {
    type: 'stat',
    title: c.title,
    description: c.description,
    use: c.use,
    w: c.w ?? 4,
    h: c.h ?? 4,
    targets: targets([c.query], { instant: !c.graph }),
    fieldConfig: {
      defaults: { unit: c.unit ?? 'none', thresholds: thresholds(c.warnAt === undefined ? null : c.warnAt), color: { mode: 'thresholds' } },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: c.graph ? 'area' : 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: c.text ? 'name' : 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  };
}

/** Lines over time, one per series. */
export function timeseries(c: Common & { queries: Query[]; stack?: boolean; min?: number }): PanelSpec {
  return {
    type: 'timeseries',
    title: c.title,
    description: c.description,
    use: c.use,
    w: c.w ?? 12,
    h: c.h ?? 8,
    targets: targets(c.queries),
    fieldConfig: {
      defaults: {
        unit: c.unit ?? 'none',
        ...(c.min !== undefined ? { min: c.min } : {}),
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: c.stack ? 30 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: c.stack ? 'normal' : 'none', group: 'A' },
        },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** Horizontal bars, one per series (a ranking). */
export function bars(c: Common & { query: Query; warnAt?: number | null }): PanelSpec {
  return {
    type: 'bargauge',
    title: c.title,
    description: c.description,
    use: c.use,
    w: c.w ?? 12,
    h: c.h ?? 8,
    targets: targets([c.query], { instant: true }),
    fieldConfig: {
      defaults: { unit: c.unit ?? 'none', min: 0, thresholds: thresholds(c.warnAt === undefined ? null : c.warnAt), color: { mode: 'thresholds' } },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'basic',
      valueMode: 'color',
      showUnfilled: true,
      namePlacement: 'left',
      sizing: 'auto',
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
    },
  };
}

/**
 * A table of instant results: the labels become columns. With several queries the results are
 * merged on their common labels and each value column is named after `valueNames`.
 */
export function table(
  c: Common & { queries: Query[]; hide?: string[]; valueNames?: string[]; showValue?: boolean; sortBy?: string },
): PanelSpec {
  const exclude: Record<string, boolean> = { Time: true, __name__: true, job: true };
  for (const h of c.hide ?? []) exclude[h] = true;
  const rename: Record<string, string> = {};
  if (c.queries.length === 1) {
    if (!c.showValue && !c.valueNames) exclude.Value = true;
    else if (c.valueNames) rename.Value = c.valueNames[0]!;
  } else {
    c.queries.forEach((_, i) => (rename[`Value #${REFIDS[i]}`] = c.valueNames?.[i] ?? `Value #${REFIDS[i]}`));
  }
  const transformations: Record<string, unknown>[] = [];
  if (c.queries.length > 1) transformations.push({ id: 'merge', options: {} });
  transformations.push({ id: 'organize', options: { excludeByName: exclude, renameByName: rename, indexByName: {} } });
  return {
    type: 'table',
    title: c.title,
    description: c.description,
    use: c.use,
    w: c.w ?? 12,
    h: c.h ?? 8,
    targets: targets(c.queries, { instant: true, table: true }),
    fieldConfig: { defaults: { unit: c.unit ?? 'none', custom: { align: 'auto', filterable: true } }, overrides: [] },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' }, ...(c.sortBy ? { sortBy: [{ displayName: c.sortBy, desc: true }] } : {}) },
    transformations,
  };
}

// ---------------------------------------------------------------- layout

function place(specs: PanelSpec[], startY: number, nextId: () => number): { panels: Panel[]; endY: number } {
  let x = 0;
  let y = startY;
  let rowH = 0;
  const panels: Panel[] = [];
  for (const s of specs) {
    if (x + s.w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const { w, h, use, targets: t, ...rest } = s;
    panels.push({
      id: nextId(),
      ...rest,
      description: `${s.description} ${use}`,
      gridPos: { h, w, x, y },
      datasource: DATASOURCE,
      targets: t.map((q) => ({ ...q, datasource: DATASOURCE })),
      ...(s.transformations ? { transformations: s.transformations } : {}),
    });
    x += w;
    rowH = Math.max(rowH, h);
  }
  return { panels, endY: y + rowH };
}

/** Lays the panels out left to right (24 columns), then one collapsed row per area. */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  let id = 0;
  const nextId = () => ++id;
  const top = place(spec.top, 0, nextId);
  const panels: (Panel | RowPanel)[] = [...top.panels];
  let y = top.endY;
  for (const r of spec.rows) {
    const rowId = nextId();
    // Panels of a collapsed row carry positions as if the row were open right below it.
    const inner = place(r.panels, y + 1, nextId);
    panels.push({ id: rowId, type: 'row', title: r.title, collapsed: true, gridPos: { h: 1, w: 24, x: 0, y }, panels: inner.panels });
    y += 1;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['hostbaseline'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    time: { from: spec.from ?? 'now-6h', to: 'now' },
    refresh: spec.refresh ?? '1m',
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    timepicker: {},
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [{ title: 'hostbaseline', type: 'dashboards', tags: ['hostbaseline'], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    templating: { list: spec.variables },
    panels,
  };
}

/** Every panel with a query, rows opened up (for tests and docs). */
export function queryPanels(d: Dashboard): { row: string | null; panel: Panel }[] {
  const out: { row: string | null; panel: Panel }[] = [];
  for (const p of d.panels) {
    if (p.type === 'row') for (const inner of p.panels) out.push({ row: p.title, panel: inner });
    else out.push({ row: null, panel: p });
  }
  return out;
}
