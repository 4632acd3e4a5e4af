import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Scheduler } from '../collectors/scheduler.js';
import { CONTENT_TYPE } from '../metrics/exposition.js';
import type { Logger } from '../util/logger.js';
import type { ExpositionCache } from './exposition-cache.js';
import { registerReport } from './report-routes.js';
import { basicAuthChecker, nodeTlsVersion, type WebConfig } from './web-config.js';

export interface AppDeps {
  scheduler: Scheduler;
  exposition: ExpositionCache;
  telemetryPath: string;
  webConfig: WebConfig | null;
  log: Logger;
}

function listParam(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  const headers = deps.webConfig?.headers ?? {};
  const users = deps.webConfig?.basicAuthUsers;
  const authorized = users && users.size > 0 ? basicAuthChecker(users) : null;
  app.use((req, res, next) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (authorized && !authorized(req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Basic');
      res.status(401).type('text/plain').send('Unauthorized\n');
      return;
    }
    next();
  });

  app.get(deps.telemetryPath, async (req: Request, res: Response) => {
    try {
      const q = req.query as Record<string, unknown>;
      const filter = { collect: listParam(q['collect[]'] ?? q.collect), exclude: listParam(q['exclude[]'] ?? q.exclude) };
      const known = new Set(deps.scheduler.list().map((s) => s.spec.name));
      const unknown = [...filter.collect, ...filter.exclude].filter((n) => !known.has(n));
      if (unknown.length) {
        res.status(400).type('text/plain').send(`unknown or disabled collector: ${unknown.join(', ')}\n`);
        return;
      }
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const out = await deps.exposition.render({ filter, gzip });
      res.setHeader('Content-Type', CONTENT_TYPE);
      res.setHeader('Vary', 'Accept-Encoding');
      if (out.gzip) {
        res.setHeader('Content-Encoding', 'gzip');
        res.end(out.gzip);
      } else res.end(out.text);
    } catch (err) {
      deps.log.error('rendering metrics failed', { err: (err as Error).message });
      res.status(500).type('text/plain').send(`error rendering metrics: ${(err as Error).message}\n`);
    }
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const pending = deps.scheduler.list().filter((s) => s.runs === 0).map((s) => s.spec.name);
    if (pending.length > 0) res.status(503).type('text/plain').send(`waiting for the first run of: ${pending.join(', ')}\n`);
    // The body is assembled a moment after the last first run lands.
    else if (!deps.exposition.ready()) res.status(503).type('text/plain').send('assembling the first exposition\n');
    else res.type('text/plain').send('ready\n');
  });
  registerReport(app, deps.scheduler);
  return app;
}

/** Splits a node_exporter-style listen address (":9855", "127.0.0.1:0", "[::1]:9855"). */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`--web.listen-address: "${addr}" is not host:port`);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--web.listen-address: port ${port} out of range`);
  return { host: host === '' ? undefined : host, port };
}

export interface RunningServer {
  server: http.Server | https.Server;
  address: string;
  close(): Promise<void>;
}

/** Starts HTTP or, with a TLS web config, HTTPS; resolves once listening. */
export async function listen(app: express.Express, listenAddress: string, webConfig: WebConfig | null): Promise<RunningServer> {
  const { host, port } = parseListenAddress(listenAddress);
  let server: http.Server | https.Server;
  if (webConfig?.tls) {
    const t = webConfig.tls;
    const requestCert = t.clientAuthType !== 'NoClientCert';
    server = https.createServer(
      {
        cert: readFileSync(t.certFile),
        key: readFileSync(t.keyFile),
        ...(t.clientCaFile ? { ca: readFileSync(t.clientCaFile) } : {}),
        requestCert,
        rejectUnauthorized: t.clientAuthType === 'RequireAndVerifyClientCert',
        minVersion: nodeTlsVersion(t.minVersion) ?? 'TLSv1.2',
      },
      app,
    );
  } else {
    server = http.createServer(app);
  }
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const address = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  return {
    server,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      }),
  };
}
