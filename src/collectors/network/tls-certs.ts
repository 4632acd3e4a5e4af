import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { posix } from 'node:path';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { certFacts, globMatch, parseCertificates, parseEndpoint, type CertFacts } from './tls-certs.parse.js';

const MAX_CERT_FILE = 4 * 1024 * 1024;
const MAX_FILES = 2000;

/** Files named by the `paths` option: files, directories (their files, not recursive) and globs in the last component. */
async function certFiles(ctx: CollectContext, paths: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith('/')) throw new Error(`tls_certs: path ${p} is not absolute`);
    const base = posix.basename(p);
    if (/[*?]/.test(base)) {
      for (const e of (await ctx.fs.readdirIfExists(posix.dirname(p))) ?? []) if (globMatch(base, e.name)) out.add(posix.join(posix.dirname(p), e.name));
      continue;
    }
    const st = await ctx.fs.statIfExists(p);
    if (st?.isDirectory()) {
      for (const e of (await ctx.fs.readdir(p)) ?? []) out.add(posix.join(p, e.name));
    } else if (st) out.add(p);
  }
  return [...out].sort().slice(0, MAX_FILES);
}

/** The peer certificate of a TLS endpoint; trust is not checked (expiry is the point). */
function peerCertificate(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
      timeout: timeoutMs,
    });
    const onAbort = () => done(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (err: Error | null, cert?: X509Certificate) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(cert!);
    };
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate(false)?.raw;
      if (!raw) return done(new Error('no peer certificate'));
      try {
        done(null, new X509Certificate(raw));
      } catch (err) {
        done(err as Error);
      }
    });
    socket.once('timeout', () => done(new Error(`timed out after ${timeoutMs} ms`)));
    socket.once('error', (err) => done(err));
  });
}

export const tlsCerts = defineCollector({
  name: 'tls_certs',
  area: 'network',
  description: 'Expiry, subject and issuer of certificate files (option paths) and of TLS endpoints (option endpoints).',
  defaultEnabled: true,
  interval: 15 * MINUTE,
  timeout: 60 * SECOND,
  tables: [
    {
      name: 'tls_certificates',
      key: ['source', 'fingerprint_sha256'],
      description: 'One row per certificate of a file or endpoint.',
      drift: true,
      volatile: ['days_left'],
    },
    { name: 'tls_endpoints', key: ['endpoint'], description: 'Configured endpoints and whether a handshake succeeded.', volatile: ['error'] },
  ],
  options: [
    { name: 'paths', type: 'strings', default: [], help: 'Certificate files, directories of them, or globs (* and ? in the last component), PEM or DER.' },
    { name: 'endpoints', type: 'strings', default: [], help: 'TLS endpoints as host:port (port 443 when left out) whose certificate is read.' },
    { name: 'connect_timeout', type: 'duration', default: 5 * SECOND, help: 'Timeout of one TLS handshake.' },
  ],
  async collect(ctx) {
    const now = ctx.clock.now() / 1000;
    const rows: FactRow[] = [];
    const add = (source: string, kind: string, index: number, c: CertFacts) => {
      rows.push({ source, kind, index, ...c, days_left: Math.floor((c.not_after - now) / 86400) });
    };
    for (const file of await certFiles(ctx, (ctx.options.paths as string[]) ?? [])) {
      const st = await ctx.fs.statIfExists(file);
      if (!st?.isFile()) continue; // directories, FIFOs and devices in a certificate directory are never opened
      const data = await ctx.fs.readBytes(file, { maxBytes: MAX_CERT_FILE });
      const seen = new Set<string>();
      parseCertificates(data, (i, reason) => ctx.parseError(file, `certificate ${i}: ${reason}`)).forEach((c, i) => {
        if (seen.has(c.fingerprint_sha256)) return;
        seen.add(c.fingerprint_sha256);
        add(file, 'file', i + 1, c);
      });
    }
    const endpoints: FactRow[] = [];
    for (const text of (ctx.options.endpoints as string[]) ?? []) {
      const ep = parseEndpoint(text);
      if (!ep) {
        ctx.parseError('endpoints', `${text}: expected host:port`);
        continue;
      }
      const endpoint = `${ep.host.includes(':') ? `[${ep.host}]` : ep.host}:${ep.port}`;
      try {
        const cert = await peerCertificate(ep.host, ep.port, Number(ctx.options.connect_timeout), ctx.signal);
        add(endpoint, 'endpoint', 1, certFacts(cert));
        endpoints.push({ endpoint, up: true, error: '' });
      } catch (err) {
        ctx.signal.throwIfAborted();
        endpoints.push({ endpoint, up: false, error: (err as Error).message.slice(0, 200) });
      }
    }
    return [
      { name: 'tls_certificates', rows },
      { name: 'tls_endpoints', rows: endpoints },
    ];
  },
});
