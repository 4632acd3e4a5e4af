import type { Express, Request, Response } from 'express';
import type { Scheduler } from '../collectors/scheduler.js';
import { buildReport, factTables, type HostReport } from '../report/model.js';
import { REPORT_CSP, renderReport, renderTablePage } from '../report/render.js';

/** Longest search accepted on a table page; the rest is cut, not an error. */
const MAX_QUERY = 200;

function html(res: Response, body: string): void {
  res.setHeader('Content-Security-Policy', REPORT_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(body);
}

/**
 * The report, its HTML and JSON, built at most once per refresh of the cache: page views
 * between two refreshes are served the same strings, so a stream of views costs the event
 * loop (and the scrapes sharing it) next to nothing.
 */
class ReportCache {
  private model: HostReport | null = null;
  private page: string | null = null;
  private json: string | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly now: () => number,
  ) {
    scheduler.onChange(() => {
      this.model = this.page = this.json = null;
    });
  }

  report(): HostReport {
    return (this.model ??= buildReport(this.scheduler.list(), this.now()));
  }
  html(): string {
    return (this.page ??= renderReport(this.report()));
  }
  jsonText(): string {
    return (this.json ??= JSON.stringify(this.report()));
  }
}

/**
 * The host report: `/` (HTML), `/report.json` (the same model), `/tables/<collector>/<table>`
 * (one table, searched and paged). All of it is read from the scheduler's cache.
 */
export function registerReport(app: Express, scheduler: Scheduler, now: () => number = Date.now): void {
  const cache = new ReportCache(scheduler, now);
  app.get('/', (_req: Request, res: Response) => html(res, cache.html()));
  app.get('/report.json', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('json').send(cache.jsonText());
  });
  app.get('/tables/:collector/:table', (req: Request, res: Response) => {
    const state = scheduler.get(String(req.params.collector));
    const table = state ? factTables(state, { hostOnly: false }).find((t) => t.name === req.params.table) : undefined;
    if (!table) {
      res.status(404).type('text/plain').send('no such table (see / for the collectors and their tables)\n');
      return;
    }
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const query = (params.get('q') ?? '').slice(0, MAX_QUERY);
    const page = Number.parseInt(params.get('page') ?? '1', 10);
    html(res, renderTablePage({ table, query, page: Number.isFinite(page) ? page : 1 }, cache.report().identity.hostname, new Date(now()).toISOString()));
  });
}
