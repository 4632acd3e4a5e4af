import type { FactValue } from '../collectors/types.js';
import type { HostReport, ReportTable } from './model.js';
import type { RiskItem, RiskSeverity } from './risks.js';

/**
 * HTML of the host report. No script and no external asset (hosts are often offline, and a
 * page without script cannot be made to run one); search and paging are plain GET forms
 * answered by the server from the cached rows. Every host-supplied string goes through `h`.
 */

export function h(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The policy sent with every report page: nothing but its own inline styles and same-origin forms. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const PAGE_SIZE = 50;
/** Rows of each table shown on the report page itself; the rest is on the table's own page. */
const PREVIEW_ROWS = 5;

export function tablePath(collector: string, table: string, query: { q?: string; page?: number } = {}): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  const qs = params.toString();
  return `/tables/${encodeURIComponent(collector)}/${encodeURIComponent(table)}${qs ? `?${qs}` : ''}`;
}

const STYLE = `
:root{color-scheme:light}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main,footer{padding:0 1.5rem}
header{background:#1f2d3d;color:#fff;padding-top:.6rem;padding-bottom:.6rem}
header a{color:#fff}
header h1{margin:0;font-size:1.3rem}
nav ul{list-style:none;margin:.3rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
a{color:#0645ad}
h2{border-bottom:2px solid #1f2d3d;padding-bottom:.2rem;margin-top:2rem}
dl.identity{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.identity dt{font-weight:600}
dl.identity dd{margin:0}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #c8ccd1;padding:.2rem .5rem;text-align:left;vertical-align:top;max-width:40rem;overflow-wrap:anywhere}
th{background:#eaecf0}
.sev{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;font-weight:700;color:#fff}
.sev-high{background:#a4001d}.sev-medium{background:#8a4b00}.sev-low{background:#4a4f55}
.risk h4{margin:.8rem 0 .2rem}
.ok{color:#14682a}.failed{color:#a4001d;font-weight:600}.pending{color:#4a4f55}
details{margin:.3rem 0}
summary{cursor:pointer}
.muted{color:#4a4f55}
form.search{margin:.6rem 0}
input[type=search]{font:inherit;padding:.15rem .3rem;min-width:18rem}
nav.pages ul{display:flex;gap:1rem;list-style:none;padding:0}
footer{margin:2rem 0 1rem;color:#4a4f55;font-size:.85rem}
`;

function cell(v: FactValue | undefined): string {
  if (v === null || v === undefined || v === '') return '<span class="muted">—</span>';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return h(v);
}

function page(title: string, hostname: string | null, body: string, generatedAt: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1><a href="/">${h(hostname ?? 'host')}</a> — hostbaseline host report</h1>
<nav aria-label="Sections"><ul><li><a href="/#identity">Identity</a></li><li><a href="/#risks">Risks</a></li><li><a href="/#facts">Facts</a></li><li><a href="/#collectors">Collectors</a></li><li><a href="/metrics">Metrics</a></li><li><a href="/report.json">JSON</a></li></ul></nav>
</header>
<main>
${body}
</main>
<footer>Built ${h(generatedAt)} from the exporter's cache; the page itself never reads the host.</footer>
</body></html>
`;
}

function rowsTable(t: ReportTable, rows: ReportTable['rows'], caption: string): string {
  if (rows.length === 0) return `<p class="muted">No rows.</p>`;
  const head = t.columns.map((c) => `<th scope="col">${h(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${t.columns.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${h(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const d = Math.floor(seconds / 86400);
  const hrs = Math.floor((seconds % 86400) / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${hrs} h` : hrs > 0 ? `${hrs} h ${min} min` : `${min} min`;
}

const SEVERITY_LABEL: Record<RiskSeverity, string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** Tables a responder looks at first; they open on the page, the others stay folded. */
const OPEN_TABLES = new Set(['packages', 'users', 'listening_ports', 'systemd_units', 'mounts', 'sudo_rules', 'suid_files', 'docker_containers', 'cron_jobs']);

export function renderReport(r: HostReport): string {
  const id = r.identity;
  const facts: [string, string | null][] = [
    ['Hostname', id.hostname],
    ['Operating system', id.os],
    ['Kernel', id.kernel],
    ['Uptime', duration(id.uptimeSeconds)],
    ['Booted', id.bootTime],
    ['Platform', id.platform],
    ['Cloud', id.cloud],
    ['Container engine', id.containerEngine],
    ['Machine id', id.machineId],
    ['Last refresh', r.lastRefresh],
  ];
  const identity = `<section id="identity" aria-labelledby="identity-h"><h2 id="identity-h">Identity</h2>
<dl class="identity">${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v === null ? '<span class="muted">unknown</span>' : h(v)}</dd>`).join('')}</dl></section>`;

  const bySeverity = (['high', 'medium', 'low'] as RiskSeverity[])
    .map((sev) => {
      const risks = r.risks.filter((x) => x.severity === sev);
      if (risks.length === 0) return '';
      const list = risks
        .map((risk) => {
          const link = (it: RiskItem) => (it.table ? tablePath(it.collector, it.table, { q: it.search }) : `#collector-${encodeURIComponent(it.collector)}`);
          const items = risk.items.map((it) => `<li><a href="${h(link(it))}">${h(it.text)}</a></li>`).join('\n');
          const sources = [...new Map(risk.items.filter((it) => it.table).map((it) => [`${it.collector}/${it.table}`, it])).values()];
          const from = sources.map((it) => ` <a class="muted" href="${h(tablePath(it.collector, it.table))}">${h(it.collector)} / ${h(it.table)}</a>`).join(',');
          return `<div class="risk" data-risk="${h(risk.id)}"><h4><span class="sev sev-${sev}">${SEVERITY_LABEL[sev]}</span> ${h(risk.title)} (${risk.items.length})${from}</h4><ul>\n${items}\n</ul></div>`;
        })
        .join('\n');
      return `<section aria-labelledby="sev-${sev}"><h3 id="sev-${sev}">${SEVERITY_LABEL[sev]}</h3>\n${list}</section>`;
    })
    .join('\n');
  const risks = `<section id="risks" aria-labelledby="risks-h"><h2 id="risks-h">Risks</h2>\n${bySeverity || '<p>Nothing on this host matches a risk rule.</p>'}</section>`;

  const areas = r.areas
    .map((a) => {
      const tables = a.tables
        .map((t) => {
          const more = t.rows.length > PREVIEW_ROWS ? ` — <a href="${h(tablePath(t.collector, t.name))}">all ${t.rows.length} rows, search</a>` : '';
          const open = OPEN_TABLES.has(t.name) && t.rows.length > 0 ? ' open' : '';
          return `<details${open}><summary>${h(t.name)} <span class="muted">(${t.rows.length} row${t.rows.length === 1 ? '' : 's'}, ${h(t.collector)})</span></summary>
<p class="muted">${h(t.description)}${more}</p>
${rowsTable(t, t.rows.slice(0, PREVIEW_ROWS), `${t.name}: first ${Math.min(PREVIEW_ROWS, t.rows.length)} of ${t.rows.length}`)}</details>`;
        })
        .join('\n');
      return `<section aria-labelledby="area-${h(a.area)}"><h3 id="area-${h(a.area)}">${h(a.area.replace('_', ' '))}</h3>\n${tables}</section>`;
    })
    .join('\n');
  const factsSection = `<section id="facts" aria-labelledby="facts-h"><h2 id="facts-h">Facts by area</h2>\n${areas}</section>`;

  const health = r.collectors
    .map(
      (c) =>
        `<tr id="collector-${h(c.name)}"><th scope="row"><a href="${h(`/metrics?collect[]=${encodeURIComponent(c.name)}`)}">${h(c.name)}</a></th><td>${h(c.area)}</td><td class="${c.status}">${c.status}</td><td>${c.lastSuccess ? h(c.lastSuccess) : '—'}</td><td>${c.durationMs}</td><td>${c.series}</td><td>${c.lastError ? h(c.lastError) : ''}</td></tr>`,
    )
    .join('\n');
  const collectors = `<section id="collectors" aria-labelledby="collectors-h"><h2 id="collectors-h">Collectors</h2>
<table><caption>Collector health</caption><thead><tr><th scope="col">collector</th><th scope="col">area</th><th scope="col">status</th><th scope="col">last success</th><th scope="col">duration (ms)</th><th scope="col">series</th><th scope="col">last error</th></tr></thead><tbody>
${health}
</tbody></table></section>`;

  return page(`${id.hostname ?? 'host'} — hostbaseline`, id.hostname, [identity, risks, factsSection, collectors].join('\n'), r.generatedAt);
}

export interface TableView {
  table: ReportTable;
  query: string;
  page: number;
}

/** Rows whose cells contain every word of the query (case-insensitive). */
export function searchRows(t: ReportTable, query: string): ReportTable['rows'] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return t.rows;
  return t.rows.filter((r) => {
    const text = t.columns.map((c) => String(r[c] ?? '')).join('\u0000').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function renderTablePage(v: TableView, hostname: string | null, generatedAt: string): string {
  const t = v.table;
  const matched = searchRows(t, v.query);
  const pages = Math.max(1, Math.ceil(matched.length / PAGE_SIZE));
  const pageNo = Math.min(Math.max(1, v.page), pages);
  const rows = matched.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  const link = (p: number) => h(tablePath(t.collector, t.name, { q: v.query, page: p }));
  const nav =
    pages > 1
      ? `<nav class="pages" aria-label="Pages"><ul>${pageNo > 1 ? `<li><a rel="prev" href="${link(pageNo - 1)}">Previous</a></li>` : ''}<li aria-current="page">Page ${pageNo} of ${pages}</li>${pageNo < pages ? `<li><a rel="next" href="${link(pageNo + 1)}">Next</a></li>` : ''}</ul></nav>`
      : '';
  const first = matched.length === 0 ? 0 : (pageNo - 1) * PAGE_SIZE + 1;
  const body = `<section aria-labelledby="table-h"><h2 id="table-h">${h(t.name)} <span class="muted">(${h(t.collector)}, ${h(t.area)})</span></h2>
<p>${h(t.description)}</p>
<form class="search" method="get" action="${h(tablePath(t.collector, t.name))}" role="search"><label for="q">Search rows</label> <input type="search" id="q" name="q" value="${h(v.query)}"> <button type="submit">Search</button></form>
<p class="matches">${matched.length} of ${t.rows.length} rows match${matched.length ? `; showing ${first}–${first + rows.length - 1}` : ''}.</p>
${rowsTable(t, rows, `${t.name}, page ${pageNo} of ${pages}`)}
${nav}</section>`;
  return page(`${t.name} — ${hostname ?? 'host'} — hostbaseline`, hostname, body, generatedAt);
}
