import type { FlagDef } from '../config/flags.js';

/** Flags of the event pipeline (OTLP export, FIM, audit, logs); read from ExporterConfig.args. */
export const EVENT_FLAGS: FlagDef[] = [
  {
    name: 'events.otlp.endpoint',
    kind: 'string',
    help: 'OTLP/HTTP base URL of an OpenTelemetry Collector (…/v1/logs is appended); events are off without an endpoint. Wins over $OTEL_EXPORTER_OTLP_ENDPOINT.',
  },
  { name: 'events.otlp.logs-endpoint', kind: 'string', help: 'Full OTLP/HTTP logs URL. Wins over $OTEL_EXPORTER_OTLP_LOGS_ENDPOINT.' },
  {
    name: 'events.otlp.protocol',
    kind: 'string',
    help: 'http/protobuf or http/json. Default: $OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, else $OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf.',
  },
  { name: 'events.otlp.header', kind: 'strings', help: 'Header sent with each export, as name=value (repeatable). Added to $OTEL_EXPORTER_OTLP_HEADERS; wins for the same name.' },
  { name: 'events.otlp.compression', kind: 'string', help: 'gzip or none. Default: $OTEL_EXPORTER_OTLP_COMPRESSION, else none.' },
  { name: 'events.otlp.timeout', kind: 'string', help: 'Timeout of one export request. Default: $OTEL_EXPORTER_OTLP_TIMEOUT (ms), else 10s.' },
  { name: 'events.service-name', kind: 'string', help: 'service.name of the resource. Default: $OTEL_SERVICE_NAME, else service.name in $OTEL_RESOURCE_ATTRIBUTES, else hostbaseline.' },
  { name: 'events.queue-size', kind: 'string', help: 'Events kept in memory while the receiver is slow or down; more are dropped and counted. Default: $OTEL_BLRP_MAX_QUEUE_SIZE, else 10000.' },
  { name: 'events.batch-size', kind: 'string', help: 'Log records per export request. Default: $OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, else 512.' },
  { name: 'events.flush-interval', kind: 'string', help: 'Shortest time between two export requests; a record after a quiet spell leaves at once. Default: $OTEL_BLRP_SCHEDULE_DELAY (ms), else 50ms.' },
  { name: 'events.shutdown-timeout', kind: 'string', help: 'How long SIGTERM waits for the queue to drain (default 5s).' },
  { name: 'events.fim.path', kind: 'strings', help: 'Host path watched for file changes (repeatable); may end in /% or /%% (osquery style).' },
  { name: 'events.fim.include', kind: 'strings', help: 'Only report files matching this glob (repeatable; * and % one level, ** and %% any depth).' },
  { name: 'events.fim.exclude', kind: 'strings', help: 'Never watch or report paths matching this glob (repeatable).' },
  { name: 'events.fim.debounce', kind: 'string', help: 'Quiet time that ends a burst of changes to one file (default 100ms).' },
  { name: 'events.fim.max-watches', kind: 'string', help: 'Most directories FIM watches (default 8192); the kernel limit is fs.inotify.max_user_watches.' },
  { name: 'events.audit', kind: 'bool', help: 'Follow the audit log (default: enabled when events are on).' },
  { name: 'events.audit.path', kind: 'string', help: 'Host path of the audit log (default /var/log/audit/audit.log).' },
  { name: 'events.syslog', kind: 'bool', help: 'Follow the journal or the syslog files for auth events (default: enabled when events are on).' },
  { name: 'events.syslog.journal', kind: 'string', help: 'auto (journalctl when present and the host root is /), true, or false.' },
  { name: 'events.syslog.path', kind: 'strings', help: 'Log files followed when the journal is not used (repeatable; default auth.log, secure, syslog, messages).' },
  { name: 'events.drift', kind: 'bool', help: 'Send baseline drift events (added/removed/changed rows) (default: enabled when events are on).' },
  { name: 'events.drift.max-per-table', kind: 'string', help: 'Drift events per table and refresh before one summary event replaces the rest (default 1000).' },
];
