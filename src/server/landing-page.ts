import { VERSION } from '../version.js';
import type { AppDeps } from './app.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page at `/`: collectors and their state, with links to each one's series. */
export function landingPage(deps: Pick<AppDeps, 'scheduler' | 'telemetryPath'>): string {
  const rows = deps.scheduler
    .list()
    .map((s) => {
      const status = s.success === null ? 'pending' : s.success ? 'ok' : 'failed';
      const when = s.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : '—';
      const link = `${deps.telemetryPath}?collect[]=${encodeURIComponent(s.spec.name)}`;
      return `<tr><td><a href="${escapeHtml(link)}">${escapeHtml(s.spec.name)}</a></td><td>${s.spec.area}</td><td class="${status}">${status}</td><td>${when}</td><td>${s.rendered?.series ?? 0}</td><td>${escapeHtml(s.lastError ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>hostbaseline exporter</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}.ok{color:green}.failed{color:#b00}.pending{color:#888}</style></head>
<body><h1>hostbaseline exporter ${escapeHtml(VERSION)}</h1>
<p><a href="${escapeHtml(deps.telemetryPath)}">Metrics</a> · <a href="/healthz">Health</a> · <a href="/readyz">Readiness</a></p>
<table><tr><th>collector</th><th>area</th><th>status</th><th>last success</th><th>series</th><th>last error</th></tr>
${rows}
</table></body></html>
`;
}
