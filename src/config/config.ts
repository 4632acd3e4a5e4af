import { readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import type { CollectorConfig } from '../collectors/types.js';
import { DEFAULT_LIMITS, type CollectorSpec, type OptionSpec, type OptionValue, type RowLimits } from '../collectors/types.js';
import { EVENT_FLAGS } from '../events/flags.js';
import { parseSeverityOverrides, type SeverityOverrides } from '../events/severity.js';
import { DEFAULT_MAX_FILE_BYTES } from '../host/hostfs.js';
import { parseDuration } from '../util/duration.js';
import { HEALTH_DETAILS, type HealthDetail } from '../metrics/health.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../util/logger.js';
import { lastValue, parseArgs, UsageError, type FlagDef, type ParsedArgs } from './flags.js';

export interface ExporterConfig {
  listenAddress: string;
  telemetryPath: string;
  webConfigFile: string | null;
  web: WebLimits;
  /** Per-collector self-metrics: node_exporter's two (basic) or the full set. */
  healthDetail: HealthDetail;
  rootfs: string;
  procfs: string | null;
  sysfs: string | null;
  stateDir: string;
  maxFileBytes: number;
  concurrency: number;
  limits: RowLimits;
  logLevel: LogLevel;
  logFormat: LogFormat;
  configFile: string | null;
  collectors: Map<string, CollectorConfig>;
  /** Raw `events:` section of the config file, validated by the event pipeline. */
  events: Record<string, unknown>;
  /** `events.severity` of the config file: risk rules or event names to a severity (src/events/severity.ts). */
  eventSeverity: SeverityOverrides;
  /** The parsed command line, for flags owned by other modules (EVENT_FLAGS). */
  args: ParsedArgs;
}

/** What one client, or many, may hold of the HTTP server (Go http.Server and node_exporter's knobs). */
export interface WebLimits {
  maxConnections: number;
  maxRequests: number;
  headerTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  maxConnections: 512,
  maxRequests: 40,
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 65_000,
};

/** Flags every command accepts, with node_exporter's names where the meaning is the same. */
export const STATIC_FLAGS: FlagDef[] = [
  { name: 'web.listen-address', kind: 'string', default: ':9855', help: 'Address on which to expose metrics and web interface.' },
  { name: 'web.telemetry-path', kind: 'string', default: '/metrics', help: 'Path under which to expose metrics.' },
  { name: 'web.config.file', kind: 'string', help: 'Path to a web configuration file (exporter-toolkit format: TLS, basic auth).' },
  { name: 'web.max-connections', kind: 'string', default: String(DEFAULT_WEB_LIMITS.maxConnections), help: 'Most open HTTP connections; further ones are closed at once.' },
  { name: 'web.max-requests', kind: 'string', default: String(DEFAULT_WEB_LIMITS.maxRequests), help: 'Most concurrent scrapes; further ones get 503 (0 means no limit).' },
  { name: 'web.read-header-timeout', kind: 'string', default: '10s', help: 'Time a client has to send the request headers.' },
  { name: 'web.request-timeout', kind: 'string', default: '30s', help: 'Time a client has to send the whole request.' },
  { name: 'web.idle-timeout', kind: 'string', default: '65s', help: 'How long an idle keep-alive connection stays open.' },
  { name: 'web.collector-metrics', kind: 'string', default: 'basic', help: 'Per-collector self-metrics: basic (success and duration) or full (adds last success, errors, series, drops, parse errors).' },
  { name: 'path.rootfs', kind: 'string', default: '/', help: 'The host root filesystem mountpoint.' },
  { name: 'path.procfs', kind: 'string', help: 'The host procfs mountpoint (default: <path.rootfs>/proc).' },
  { name: 'path.sysfs', kind: 'string', help: 'The host sysfs mountpoint (default: <path.rootfs>/sys).' },
  { name: 'path.state', kind: 'string', default: '/var/lib/hostbaseline', help: 'Directory for the drift baseline and event positions.' },
  { name: 'collector.disable-defaults', kind: 'bool', default: false, help: 'Disable every collector that is not explicitly enabled.' },
  { name: 'collector.concurrency', kind: 'string', default: '4', help: 'How many collectors may run at once.' },
  { name: 'collector.max-file-bytes', kind: 'string', default: String(DEFAULT_MAX_FILE_BYTES), help: 'Largest host file a collector reads; larger files fail that collector.' },
  {
    name: 'collector.max-rows',
    kind: 'string',
    default: String(DEFAULT_LIMITS.rows),
    help: 'Rows of one table, and accounts or processes one refresh reads, at most; what is left out is counted in hostbaseline_rows_capped_total.',
  },
  {
    name: 'collector.max-homes',
    kind: 'string',
    default: String(DEFAULT_LIMITS.homes),
    help: 'User home directories the per-user collectors look into, at most; what is left out is counted in hostbaseline_rows_capped_total.',
  },
  { name: 'config.file', kind: 'string', help: 'YAML file with per-collector settings (interval, timeout, max_series, options).' },
  { name: 'log.level', kind: 'string', default: 'info', help: 'Only log messages with the given severity or above: debug, info, warn, error.' },
  { name: 'log.format', kind: 'string', default: 'logfmt', help: 'Output format of log messages: logfmt or json.' },
  { name: 'version', kind: 'bool', help: 'Show application version.' },
  { name: 'help', kind: 'bool', help: 'Show context-sensitive help.' },
];

const GENERIC_COLLECTOR_KEYS = new Set(['enabled', 'interval', 'timeout', 'max_series']);

function optionFlagName(collector: string, option: OptionSpec): string {
  return `collector.${collector}.${option.name.replace(/_/g, '-')}`;
}

/** Builds the lookup of every flag: static, `--collector.<name>` and each collector's options. */
export function flagTable(specs: CollectorSpec[], extra: FlagDef[] = []): Map<string, FlagDef> {
  const table = new Map<string, FlagDef>();
  for (const f of [...STATIC_FLAGS, ...EVENT_FLAGS, ...extra]) table.set(f.name, f);
  for (const s of specs) {
    table.set(`collector.${s.name}`, {
      name: `collector.${s.name}`,
      kind: 'bool',
      default: s.defaultEnabled,
      help: `Enable the ${s.name} collector (default: ${s.defaultEnabled ? 'enabled' : 'disabled'}).`,
    });
    for (const o of s.options ?? []) {
      const name = optionFlagName(s.name, o);
      table.set(name, { name, kind: o.type === 'bool' ? 'bool' : o.type === 'strings' ? 'strings' : 'string', help: o.help });
    }
  }
  return table;
}

export function lookupIn(table: Map<string, FlagDef>) {
  return (name: string) => table.get(name) ?? table.get(name.replace(/_/g, '-'));
}

function coerceOption(where: string, o: OptionSpec, raw: unknown): OptionValue {
  switch (o.type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      break;
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      if (Number.isInteger(n)) return n;
      break;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      break;
    case 'duration':
      if (typeof raw === 'number') return raw * 1000;
      if (typeof raw === 'string') {
        try {
          return parseDuration(raw);
        } catch (err) {
          throw new UsageError(`${where}: ${(err as Error).message}`);
        }
      }
      break;
    case 'strings':
      if (typeof raw === 'string') return [raw];
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw as string[];
      break;
  }
  throw new UsageError(`${where}: expected ${o.type}, got ${JSON.stringify(raw)}`);
}

function durationOf(where: string, raw: unknown): number {
  if (typeof raw === 'number' && raw > 0) return raw * 1000;
  if (typeof raw === 'string') {
    try {
      const ms = parseDuration(raw);
      if (ms > 0) return ms;
    } catch (err) {
      throw new UsageError(`${where}: ${(err as Error).message}`);
    }
  }
  throw new UsageError(`${where}: expected a positive duration such as 30s, got ${JSON.stringify(raw)}`);
}

interface FileConfig {
  collectors: Record<string, Record<string, unknown>>;
  events: Record<string, unknown>;
  eventSeverity: SeverityOverrides;
}

/** Reads and validates the YAML config file; every error names the file and the key. */
export function readConfigFile(file: string, specs: CollectorSpec[]): FileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    throw new UsageError(`config file ${file}: invalid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc) || doc === null) throw new UsageError(`config file ${file}: expected a mapping`);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== 'collectors' && k !== 'events') throw new UsageError(`config file ${file}: unknown key "${k}" (expected collectors, events)`);
  }
  const names = new Set(specs.map((s) => s.name));
  const collectors = (d.collectors ?? {}) as Record<string, unknown>;
  if (typeof collectors !== 'object' || Array.isArray(collectors)) throw new UsageError(`config file ${file}: collectors must be a mapping`);
  for (const [name, section] of Object.entries(collectors)) {
    if (!names.has(name)) throw new UsageError(`config file ${file}: unknown collector "${name}"`);
    if (section !== null && (typeof section !== 'object' || Array.isArray(section)))
      throw new UsageError(`config file ${file}: collectors.${name} must be a mapping`);
  }
  const allEvents = (d.events ?? {}) as Record<string, unknown>;
  if (typeof allEvents !== 'object' || Array.isArray(allEvents)) throw new UsageError(`config file ${file}: events must be a mapping`);
  const { severity, ...events } = allEvents;
  const eventSeverity = parseSeverityOverrides(severity, `config file ${file}: events.severity`);
  if (typeof eventSeverity === 'string') throw new UsageError(eventSeverity);
  return { collectors: collectors as Record<string, Record<string, unknown>>, events, eventSeverity };
}

function stringFlag(args: ParsedArgs, name: string, fallback: string): string {
  const v = lastValue(args, name);
  return typeof v === 'string' ? v : fallback;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`flag --${flag}: expected a positive integer, got "${v}"`);
  return Number(v);
}

function nonNegativeInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`flag --${flag}: expected a non-negative integer, got "${v}"`);
  return Number(v);
}

function durationFlag(args: ParsedArgs, flag: string, fallbackMs: number): number {
  const v = lastValue(args, flag);
  if (typeof v !== 'string') return fallbackMs;
  let ms: number;
  try {
    ms = parseDuration(v);
  } catch (err) {
    throw new UsageError(`flag --${flag}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`flag --${flag}: must be more than 0`);
  return ms;
}

function webLimits(args: ParsedArgs): WebLimits {
  const d = DEFAULT_WEB_LIMITS;
  return {
    maxConnections: positiveInt('web.max-connections', stringFlag(args, 'web.max-connections', String(d.maxConnections))),
    maxRequests: nonNegativeInt('web.max-requests', stringFlag(args, 'web.max-requests', String(d.maxRequests))),
    headerTimeoutMs: durationFlag(args, 'web.read-header-timeout', d.headerTimeoutMs),
    requestTimeoutMs: durationFlag(args, 'web.request-timeout', d.requestTimeoutMs),
    idleTimeoutMs: durationFlag(args, 'web.idle-timeout', d.idleTimeoutMs),
  };
}

/** Resolves the exporter's configuration: flags win over the config file, which wins over defaults. */
export function resolveConfig(args: ParsedArgs, specs: CollectorSpec[]): ExporterConfig {
  const logLevel = stringFlag(args, 'log.level', 'info');
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new UsageError(`flag --log.level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = stringFlag(args, 'log.format', 'logfmt');
  if (logFormat !== 'logfmt' && logFormat !== 'json') throw new UsageError(`flag --log.format: "${logFormat}" is not logfmt or json`);
  const telemetryPath = stringFlag(args, 'web.telemetry-path', '/metrics');
  if (!telemetryPath.startsWith('/')) throw new UsageError(`flag --web.telemetry-path: must start with "/"`);

  const healthDetail = stringFlag(args, 'web.collector-metrics', 'basic');
  if (!HEALTH_DETAILS.includes(healthDetail as HealthDetail))
    throw new UsageError(`flag --web.collector-metrics: "${healthDetail}" is not one of ${HEALTH_DETAILS.join(', ')}`);

  const configFile = (lastValue(args, 'config.file') as string | undefined) ?? null;
  const file: FileConfig = configFile ? readConfigFile(configFile, specs) : { collectors: {}, events: {}, eventSeverity: {} };
  const disableDefaults = lastValue(args, 'collector.disable-defaults') === true;

  const collectors = new Map<string, CollectorConfig>();
  for (const spec of specs) {
    const section = file.collectors[spec.name] ?? {};
    const where = `config file ${configFile}: collectors.${spec.name}`;
    const optionSpecs = new Map((spec.options ?? []).map((o) => [o.name, o]));
    for (const k of Object.keys(section)) {
      if (!GENERIC_COLLECTOR_KEYS.has(k) && !optionSpecs.has(k)) {
        const known = [...GENERIC_COLLECTOR_KEYS, ...optionSpecs.keys()].join(', ');
        throw new UsageError(`${where}: unknown key "${k}" (known: ${known})`);
      }
    }
    let enabled = disableDefaults ? false : spec.defaultEnabled;
    if (section.enabled !== undefined) {
      if (typeof section.enabled !== 'boolean') throw new UsageError(`${where}.enabled: expected true or false`);
      enabled = section.enabled;
    }
    const flagEnabled = lastValue(args, `collector.${spec.name}`);
    if (typeof flagEnabled === 'boolean') enabled = flagEnabled;

    const interval = section.interval === undefined ? spec.interval : durationOf(`${where}.interval`, section.interval);
    const timeout = section.timeout === undefined ? spec.timeout : durationOf(`${where}.timeout`, section.timeout);
    let maxSeries: number | undefined;
    if (section.max_series !== undefined) {
      if (!Number.isInteger(section.max_series) || (section.max_series as number) < 0)
        throw new UsageError(`${where}.max_series: expected a non-negative integer`);
      maxSeries = section.max_series as number;
    }
    const options: Record<string, OptionValue> = {};
    for (const o of spec.options ?? []) {
      let v: OptionValue = o.default;
      if (section[o.name] !== undefined) v = coerceOption(`${where}.${o.name}`, o, section[o.name]);
      const flagName = optionFlagName(spec.name, o);
      const given = args.values.get(flagName);
      if (given && given.length > 0) {
        v = o.type === 'strings' ? (given as string[]) : coerceOption(`flag --${flagName}`, o, given[given.length - 1]);
      }
      options[o.name] = v;
    }
    collectors.set(spec.name, { enabled, interval, timeout, ...(maxSeries !== undefined ? { maxSeries } : {}), options });
  }

  for (const c of collectors.values()) deepFreeze(c);
  return deepFreeze({
    listenAddress: stringFlag(args, 'web.listen-address', ':9855'),
    telemetryPath,
    webConfigFile: (lastValue(args, 'web.config.file') as string | undefined) ?? null,
    web: webLimits(args),
    healthDetail: healthDetail as HealthDetail,
    rootfs: stringFlag(args, 'path.rootfs', '/'),
    procfs: (lastValue(args, 'path.procfs') as string | undefined) ?? null,
    sysfs: (lastValue(args, 'path.sysfs') as string | undefined) ?? null,
    stateDir: stringFlag(args, 'path.state', '/var/lib/hostbaseline'),
    maxFileBytes: positiveInt('collector.max-file-bytes', stringFlag(args, 'collector.max-file-bytes', String(DEFAULT_MAX_FILE_BYTES))),
    concurrency: positiveInt('collector.concurrency', stringFlag(args, 'collector.concurrency', '4')),
    limits: {
      rows: positiveInt('collector.max-rows', stringFlag(args, 'collector.max-rows', String(DEFAULT_LIMITS.rows))),
      homes: positiveInt('collector.max-homes', stringFlag(args, 'collector.max-homes', String(DEFAULT_LIMITS.homes))),
    },
    logLevel: logLevel as LogLevel,
    logFormat,
    configFile,
    collectors,
    events: file.events,
    eventSeverity: file.eventSeverity,
    args,
  });
}

/**
 * The resolved configuration is read by every part of the exporter and changed by none:
 * frozen, so a slip fails loudly instead of changing one part's view. Maps (collectors,
 * parsed flags) stay maps; their values are frozen.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Map) return value;
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return Object.freeze(value);
}

export { parseArgs, UsageError };
