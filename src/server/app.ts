import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import express, { type Request, type Response } from 'express';
import type { Scheduler } from '../collectors/scheduler.js';
import { DEFAULT_WEB_LIMITS, type WebLimits } from '../config/config.js';
import { contentType, negotiateFormat } from '../metrics/formats.js';
import type { Logger } from '../util/logger.js';
import { basicAuthVerifier } from './basic-auth.js';
import type { ExpositionCache } from './exposition-cache.js';
import { registerReport } from './report-routes.js';
import { parseSelection } from './selection.js';
import { clientCertRefusal, tlsServerOptions } from './tls.js';
import type { WebConfig } from './web-config.js';

export interface AppDeps {
  scheduler: Scheduler;
  exposition: ExpositionCache;
  telemetryPath: string;
  webConfig: WebConfig | null;
  log: Logger;
  /** Most concurrent scrapes (node_exporter's --web.max-requests); 0 means no limit. */
  maxRequests?: number;
}

/** Ends a request that must not go on: the connection is closed, so an unread body is never read. */
function refuse(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  res.setHeader('Connection', 'close');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).type('text/plain').send(message);
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Query strings are read with URLSearchParams where needed (qs turns long arrays into objects).
  app.set('query parser', false);
  const headers = deps.webConfig?.headers ?? {};
  const users = deps.webConfig?.basicAuthUsers;
  const verify = users && users.size > 0 ? basicAuthVerifier(users) : null;
  const maxRequests = deps.maxRequests ?? DEFAULT_WEB_LIMITS.maxRequests;
  let inFlight = 0;

  // Every endpoint is GET-only and takes no body: refuse both before reading anything.
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'))
      return refuse(res, 413, 'a request body is not accepted here\n');
    next();
  });
  app.use((req, res, next) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (!verify) return next();
    const answer = (outcome: string) => {
      if (outcome === 'ok') return next();
      if (outcome === 'busy') return refuse(res, 503, 'too many authentication attempts in progress, retry later\n', { 'Retry-After': '1' });
      res.setHeader('WWW-Authenticate', 'Basic');
      res.status(401).type('text/plain').send('Unauthorized\n');
    };
    const outcome = verify(req.headers.authorization);
    if (typeof outcome === 'string') answer(outcome);
    else void outcome.then(answer);
  });

  app.get(deps.telemetryPath, async (req: Request, res: Response) => {
    const q = req.url.indexOf('?');
    const known = new Set(deps.scheduler.list().map((s) => s.spec.name));
    const selection = parseSelection(q < 0 ? '' : req.url.slice(q + 1), known);
    if (!selection.ok) {
      res.status(400).type('text/plain').send(`${selection.error}\n`);
      return;
    }
    if (maxRequests > 0 && inFlight >= maxRequests) {
      res.status(503).type('text/plain').send(`too many concurrent scrapes (limit ${maxRequests})\n`);
      return;
    }
    inFlight++;
    try {
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const format = negotiateFormat(req.headers.accept);
      const out = await deps.exposition.render({ filter: selection.filter, gzip, format });
      res.setHeader('Content-Type', contentType(format));
      res.setHeader('Vary', 'Accept-Encoding, Accept');
      if (out.gzip) {
        res.setHeader('Content-Encoding', 'gzip');
        res.end(out.gzip);
      } else res.end(out.text);
    } catch (err) {
      deps.log.error('rendering metrics failed', { err: (err as Error).message });
      res.status(500).type('text/plain').send(`error rendering metrics: ${(err as Error).message}\n`);
    } finally {
      inFlight--;
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
  registerReport(app, deps.scheduler, deps.telemetryPath);
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

/** Whether a listen host is reachable only from this machine. */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false;
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

export interface RunningServer {
  server: http.Server | https.Server;
  address: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  limits?: WebLimits;
  log?: Logger;
}

/**
 * Starts HTTP or, with a TLS web config, HTTPS; resolves once listening. Bounded like
 * Go's http.Server behind node_exporter: a connection cap (more are closed at once),
 * short header, request and handshake timeouts, checked every second.
 */
export async function listen(app: http.RequestListener, listenAddress: string, webConfig: WebConfig | null, opts: ListenOptions = {}): Promise<RunningServer> {
  const { host, port } = parseListenAddress(listenAddress);
  const limits = opts.limits ?? DEFAULT_WEB_LIMITS;
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headerTimeoutMs),
    keepAliveTimeout: limits.idleTimeoutMs,
    connectionsCheckingInterval: 1000,
    maxHeaderSize: 16 * 1024,
  };
  let server: http.Server | https.Server;
  const t = webConfig?.tls;
  if (t) {
    server = https.createServer({ ...tlsServerOptions(t), ...serverOptions, handshakeTimeout: limits.headerTimeoutMs }, app);
    // Go refuses these clients in the handshake; Node can only hang up right after it.
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const why = clientCertRefusal(t.clientAuthType, socket);
      if (why) {
        opts.log?.debug('TLS client refused', { reason: why });
        socket.destroy();
      }
    });
    server.on('tlsClientError', (_err, socket) => socket.destroy());
  } else {
    server = http.createServer(serverOptions, app);
  }
  server.maxConnections = limits.maxConnections;
  let lastDropWarning = 0;
  server.on('drop', () => {
    if (Date.now() - lastDropWarning < 60_000) return;
    lastDropWarning = Date.now();
    opts.log?.warn('connection limit reached, closing new connections', { max_connections: limits.maxConnections });
  });
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
