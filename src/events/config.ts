import type { ExporterConfig } from '../config/config.js';
import { lastValue, UsageError, type ParsedArgs } from '../config/flags.js';
import { parseDuration } from '../util/duration.js';

export const DEFAULT_AUDIT_LOG = '/var/log/audit/audit.log';
/** Shortest time between two export requests (a record after a quiet spell leaves at once); bounds the request rate. */
export const DEFAULT_FLUSH_INTERVAL_MS = 50;
export const DEFAULT_SYSLOG_FILES = ['/var/log/auth.log', '/var/log/secure', '/var/log/syslog', '/var/log/messages'];

/** OTLP over HTTP: protobuf (the OTLP default) or JSON. gRPC is not offered. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export const OTLP_PROTOCOLS: OtlpProtocol[] = ['http/protobuf', 'http/json'];

/**
 * What flags and the config file set for the OTLP exporter. Anything left undefined is
 * read by the OpenTelemetry exporter itself from the standard OTEL_EXPORTER_OTLP_* variables
 * (programmatic settings win over the environment, as in the SDK).
 */
export interface OtlpConfig {
  protocol: OtlpProtocol;
  /** Full logs URL (…/v1/logs) from a flag or the config file. */
  url?: string;
  /** Headers from flags and the config file; the environment's headers are added under them. */
  headers: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMs?: number;
  /** The endpoint and where it was set, for the start-up log line (credentials removed). */
  endpoint: string;
}

export interface FimConfig {
  paths: string[];
  include: string[];
  exclude: string[];
  debounceMs: number;
  maxWatches: number;
  /** Files larger than this are reported without a hash. */
  hashMaxBytes: number;
}

export interface EventsConfig {
  otlp: OtlpConfig;
  serviceName: string | undefined;
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  shutdownTimeoutMs: number;
  stateDir: string;
  fim: FimConfig | null;
  audit: { path: string } | null;
  syslog: { journal: 'auto' | 'true' | 'false'; paths: string[] } | null;
  drift: { maxPerTable: number } | null;
}

const TOP_KEYS = ['otlp', 'service_name', 'queue_size', 'batch_size', 'flush_interval', 'shutdown_timeout', 'fim', 'audit', 'syslog', 'drift'];
const SECTION_KEYS: Record<string, string[]> = {
  otlp: ['endpoint', 'logs_endpoint', 'protocol', 'headers', 'compression', 'timeout'],
  fim: ['enabled', 'paths', 'include', 'exclude', 'debounce', 'max_watches', 'hash_max_bytes'],
  audit: ['enabled', 'path'],
  syslog: ['enabled', 'journal', 'paths'],
  drift: ['enabled', 'max_per_table'],
};

type Section = Record<string, unknown>;

function section(where: string, raw: unknown): Section {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${where}: expected a mapping`);
  return raw as Section;
}

function checkKeys(where: string, s: Section, known: string[]): void {
  for (const k of Object.keys(s)) if (!known.includes(k)) throw new UsageError(`${where}: unknown key "${k}" (known: ${known.join(', ')})`);
}

/** `name=value,name2=value2` as in OTEL_EXPORTER_OTLP_HEADERS (values percent-decoded); for --events.otlp.header. */
export function parseHeaderList(text: string | undefined, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`${where}: "${part}" is not name=value`);
    let v = part.slice(eq + 1).trim();
    try {
      v = decodeURIComponent(v);
    } catch {
      // keep raw
    }
    out[part.slice(0, eq).trim()] = v;
  }
  return out;
}

/** Appends /v1/logs to a base endpoint, as the OTLP exporter specification says for OTEL_EXPORTER_OTLP_ENDPOINT (used for --events.otlp.endpoint). */
export function logsUrlOf(base: string): string {
  return base.replace(/\/+$/, '') + '/v1/logs';
}

function checkUrl(where: string, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${where}: "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${where}: "${url}" must be http:// or https://`);
  return url;
}

class Resolver {
  constructor(
    private readonly args: ParsedArgs,
    private readonly configFile: string | null,
  ) {}

  where(path: string): string {
    return `config file ${this.configFile ?? '?'}: events.${path}`;
  }

  flag(name: string): string | boolean | undefined {
    return lastValue(this.args, name);
  }

  flagList(name: string): string[] {
    return (this.args.values.get(name) ?? []).filter((v): v is string => typeof v === 'string');
  }

  str(flag: string, path: string, s: Section, key: string): string | undefined {
    const f = this.flag(flag);
    if (typeof f === 'string') return f;
    const v = s[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new UsageError(`${this.where(path)}: expected a string`);
    return v;
  }

  list(flag: string, path: string, s: Section, key: string): string[] {
    const f = this.flagList(flag);
    if (f.length > 0) return f;
    const v = s[key];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UsageError(`${this.where(path)}: expected a list of strings`);
    return v as string[];
  }

  int(flag: string, path: string, s: Section, key: string, dflt: number): number {
    const f = this.flag(flag);
    const raw = typeof f === 'string' ? f : s[key];
    if (raw === undefined || raw === null) return dflt;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(typeof f === 'string' ? `flag --${flag}: expected a positive integer, got "${f}"` : `${this.where(path)}: expected a positive integer`);
    return n;
  }

  duration(flag: string, path: string, s: Section, key: string, dflt: number): number {
    const f = this.flag(flag);
    const raw = typeof f === 'string' ? f : s[key];
    if (raw === undefined || raw === null) return dflt;
    const where = typeof f === 'string' ? `flag --${flag}` : this.where(path);
    if (typeof raw === 'number' && raw >= 0) return raw * 1000;
    if (typeof raw === 'string') {
      try {
        return parseDuration(raw);
      } catch (err) {
        throw new UsageError(`${where}: ${(err as Error).message}`);
      }
    }
    throw new UsageError(`${where}: expected a duration such as 200ms`);
  }

  /** A source switch: the flag, else `enabled:` in its section, else the default. */
  enabled(flag: string, path: string, s: Section, dflt: boolean): boolean {
    const f = this.flag(flag);
    if (typeof f === 'boolean') return f;
    if (s.enabled === undefined) return dflt;
    if (typeof s.enabled !== 'boolean') throw new UsageError(`${this.where(path)}.enabled: expected true or false`);
    return s.enabled;
  }
}

/** A positive integer from an OTEL_BLRP_* variable, or the default. */
function envInt(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name]?.trim();
  if (!raw) return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) throw new UsageError(`${name}: expected a positive integer, got "${raw}"`);
  return Number(raw);
}

/** The endpoint without user:password@, for logs. */
function shown(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}

/**
 * Resolves the event pipeline's settings: flags win over the `events:` section of the
 * config file, which wins over the standard OTEL_* environment variables. Returns null
 * (events off) when no OTLP endpoint is configured anywhere.
 *
 * The OTLP exporter reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout, compression,
 * certificates) from the process environment itself; here the environment only decides
 * whether events are on, is checked for a usable URL, and gives the protocol and the
 * batch schedule (OTEL_BLRP_*) their defaults.
 */
export function resolveEventsConfig(config: Pick<ExporterConfig, 'args' | 'events' | 'configFile' | 'stateDir'>, env: NodeJS.ProcessEnv = process.env): EventsConfig | null {
  const file = section('config file: events', config.events);
  checkKeys(`config file ${config.configFile ?? '?'}: events`, file, TOP_KEYS);
  const r = new Resolver(config.args, config.configFile);
  const sec = (name: string): Section => {
    const s = section(r.where(name), file[name]);
    checkKeys(r.where(name), s, SECTION_KEYS[name]!);
    return s;
  };
  const otlp = sec('otlp');

  let url: string | undefined;
  let endpoint: string | undefined;
  const flagLogs = r.flag('events.otlp.logs-endpoint');
  const flagBase = r.flag('events.otlp.endpoint');
  if (typeof flagLogs === 'string') url = checkUrl('flag --events.otlp.logs-endpoint', flagLogs);
  else if (typeof flagBase === 'string') url = logsUrlOf(checkUrl('flag --events.otlp.endpoint', flagBase));
  else if (otlp.logs_endpoint != null) url = checkUrl(r.where('otlp.logs_endpoint'), r.str('', 'otlp.logs_endpoint', otlp, 'logs_endpoint')!);
  else if (otlp.endpoint != null) url = logsUrlOf(checkUrl(r.where('otlp.endpoint'), r.str('', 'otlp.endpoint', otlp, 'endpoint')!));
  else if (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) endpoint = `${shown(checkUrl('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT))} (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT)`;
  else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) endpoint = `${shown(checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT))} (OTEL_EXPORTER_OTLP_ENDPOINT)`;
  if (url) endpoint = shown(url);
  if (!endpoint) return null;

  const headers: Record<string, string> = {};
  const fileHeaders = section(r.where('otlp.headers'), otlp.headers);
  for (const [k, v] of Object.entries(fileHeaders)) {
    if (typeof v !== 'string') throw new UsageError(`${r.where(`otlp.headers.${k}`)}: expected a string`);
    headers[k] = v;
  }
  for (const h of r.flagList('events.otlp.header')) Object.assign(headers, parseHeaderList(h, 'flag --events.otlp.header'));

  const compression = r.str('events.otlp.compression', 'otlp.compression', otlp, 'compression');
  if (compression !== undefined && compression !== 'gzip' && compression !== 'none') throw new UsageError(`events compression: "${compression}" is not gzip or none`);

  // The SDK's order: the signal's variable, then the general one, then http/protobuf.
  const protocolSources: [string, string | undefined][] = [
    ['events protocol', r.str('events.otlp.protocol', 'otlp.protocol', otlp, 'protocol')],
    ['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL?.trim()],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim()],
  ];
  const [protocolFrom, protocol] = protocolSources.find(([, v]) => v) ?? ['default', 'http/protobuf'];
  if (!(OTLP_PROTOCOLS as string[]).includes(protocol!))
    throw new UsageError(`${protocolFrom}: "${protocol}" is not supported (use ${OTLP_PROTOCOLS.join(' or ')}; gRPC is not offered)`);

  const timeoutSet = typeof r.flag('events.otlp.timeout') === 'string' || otlp.timeout != null;

  const fimSec = sec('fim');
  const fimPaths = r.list('events.fim.path', 'fim.paths', fimSec, 'paths');
  for (const p of fimPaths) if (!p.startsWith('/')) throw new UsageError(`FIM path "${p}" must be an absolute host path`);
  const fimOn = r.enabled('events.fim', 'fim', fimSec, true) && fimPaths.length > 0;
  const auditSec = sec('audit');
  const syslogSec = sec('syslog');
  const driftSec = sec('drift');
  const journal = r.str('events.syslog.journal', 'syslog.journal', syslogSec, 'journal') ?? 'auto';
  if (journal !== 'auto' && journal !== 'true' && journal !== 'false') throw new UsageError(`events syslog journal: "${journal}" is not auto, true or false`);
  const syslogPaths = r.list('events.syslog.path', 'syslog.paths', syslogSec, 'paths');

  return {
    otlp: {
      protocol: protocol as OtlpProtocol,
      ...(url ? { url } : {}),
      headers,
      ...(compression ? { compression } : {}),
      ...(timeoutSet ? { timeoutMs: r.duration('events.otlp.timeout', 'otlp.timeout', otlp, 'timeout', 10_000) } : {}),
      endpoint,
    },
    serviceName: r.str('events.service-name', 'service_name', file, 'service_name'),
    queueSize: r.int('events.queue-size', 'queue_size', file, 'queue_size', envInt(env, 'OTEL_BLRP_MAX_QUEUE_SIZE', 10_000)),
    batchSize: r.int('events.batch-size', 'batch_size', file, 'batch_size', envInt(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 512)),
    flushIntervalMs: r.duration('events.flush-interval', 'flush_interval', file, 'flush_interval', envInt(env, 'OTEL_BLRP_SCHEDULE_DELAY', DEFAULT_FLUSH_INTERVAL_MS)),
    shutdownTimeoutMs: r.duration('events.shutdown-timeout', 'shutdown_timeout', file, 'shutdown_timeout', 5_000),
    stateDir: config.stateDir,
    fim: fimOn
      ? {
          paths: fimPaths,
          include: r.list('events.fim.include', 'fim.include', fimSec, 'include'),
          exclude: r.list('events.fim.exclude', 'fim.exclude', fimSec, 'exclude'),
          debounceMs: r.duration('events.fim.debounce', 'fim.debounce', fimSec, 'debounce', 100),
          maxWatches: r.int('events.fim.max-watches', 'fim.max_watches', fimSec, 'max_watches', 8192),
          hashMaxBytes: r.int('', 'fim.hash_max_bytes', fimSec, 'hash_max_bytes', 64 * 1024 * 1024),
        }
      : null,
    audit: r.enabled('events.audit', 'audit', auditSec, true)
      ? { path: r.str('events.audit.path', 'audit.path', auditSec, 'path') ?? DEFAULT_AUDIT_LOG }
      : null,
    syslog: r.enabled('events.syslog', 'syslog', syslogSec, true)
      ? { journal, paths: syslogPaths.length > 0 ? syslogPaths : DEFAULT_SYSLOG_FILES }
      : null,
    drift: r.enabled('events.drift', 'drift', driftSec, true)
      ? { maxPerTable: r.int('events.drift.max-per-table', 'drift.max_per_table', driftSec, 'max_per_table', 1000) }
      : null,
  };
}
