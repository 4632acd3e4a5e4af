export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

function logfmtValue(v: unknown): string {
  const s = String(v);
  return /^[^\s"=\\]+$/.test(s) ? s : JSON.stringify(s);
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
  now?: () => Date;
}

/** A small structured logger in the style of Prometheus exporters (logfmt or JSON). */
export function createLogger(opts: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const format = opts.format ?? 'logfmt';
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const all: LogFields = { time: now().toISOString(), level, msg, ...base, ...fields };
    if (format === 'json') {
      write(JSON.stringify(all));
    } else {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(all)) if (v !== undefined) parts.push(`${k}=${logfmtValue(v)}`);
      write(parts.join(' '));
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'logfmt', write: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}

export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
