/** What every event source hands the pipeline: a name, a severity, when it happened, and attributes. */
export type EventSeverity = 'INFO' | 'WARN' | 'ERROR';
export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue };
export type EventAttributes = Record<string, AttributeValue>;

export interface SecurityEvent {
  /** The catalog name, e.g. `hostbaseline.file.modified`. */
  name: string;
  severity: EventSeverity;
  /** When it happened on the host (ms since the epoch). */
  time: number;
  attributes: EventAttributes;
  /** A sentence a person can read; the log record's body (defaults to the name). */
  body?: string;
}

export type EventSourceName = 'fim' | 'audit' | 'syslog' | 'drift';

/** Where sources put their events. Never blocks: a full queue counts the event as dropped. */
export interface EventSink {
  emit(source: EventSourceName, event: SecurityEvent): void;
  /** Input that could not become an event (oversized or garbled line…), counted. */
  dropped(source: EventSourceName, reason: string, count?: number): void;
}

/** A started source; `stop` persists positions and closes watches. */
export interface RunningSource {
  name: EventSourceName;
  stop(): Promise<void>;
}

/** Sets attributes only when the value is present (OTLP has no null). */
export function putAttr(attrs: EventAttributes, key: string, value: AttributeValue | null | undefined): void {
  if (value === null || value === undefined || value === '') return;
  if (typeof value === 'number' && !Number.isFinite(value)) return;
  attrs[key] = value;
}
