/**
 * A small OTLP/HTTP logs receiver for tests: decodes ExportLogsServiceRequest sent as
 * JSON or protobuf (gzip or not), keeps the decoded records, and can be stopped and
 * restarted on the same port to play a receiver that goes down. Plain TypeScript that
 * Node 24 runs by stripping types, so the benchmark (test/bench/events.mjs) decodes with it too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AnyValue = string | number | boolean | null | AnyValue[] | { [k: string]: AnyValue };

export interface ReceivedRecord {
  eventName: string;
  severityNumber: number;
  severityText: string;
  /** Nanoseconds since the epoch, as a bigint-safe string. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  body: AnyValue;
  attributes: Record<string, AnyValue>;
  /** The AnyValue field each attribute arrived in (stringValue, kvlistValue, arrayValue…). */
  kinds: Record<string, string>;
  resource: Record<string, AnyValue>;
  scope: { name: string; version: string };
}

export interface ReceivedRequest {
  contentType: string;
  encoding: string;
  headers: Record<string, string | string[] | undefined>;
  records: ReceivedRecord[];
}

// ---- OTLP/JSON ----

function jsonValue(v: unknown): AnyValue {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return String(o.stringValue);
  if ('boolValue' in o) return Boolean(o.boolValue);
  if ('intValue' in o) return Number(o.intValue);
  if ('doubleValue' in o) return Number(o.doubleValue);
  if ('arrayValue' in o) return (((o.arrayValue as { values?: unknown[] })?.values ?? []) as unknown[]).map(jsonValue);
  if ('kvlistValue' in o) return jsonAttrs((o.kvlistValue as { values?: unknown[] })?.values);
  if ('bytesValue' in o) return String(o.bytesValue);
  return null;
}

const JSON_KINDS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

function jsonAttrs(list: unknown, kinds?: Record<string, string>): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const kv of (Array.isArray(list) ? list : []) as { key: string; value: unknown }[]) {
    out[kv.key] = jsonValue(kv.value);
    if (kinds) kinds[kv.key] = JSON_KINDS.find((k) => kv.value && typeof kv.value === 'object' && k in kv.value) ?? 'empty';
  }
  return out;
}

export function decodeJson(body: Buffer): ReceivedRecord[] {
  const doc = JSON.parse(body.toString('utf8')) as { resourceLogs?: unknown[] };
  const out: ReceivedRecord[] = [];
  for (const rl of (doc.resourceLogs ?? []) as Record<string, unknown>[]) {
    const resource = jsonAttrs((rl.resource as { attributes?: unknown })?.attributes);
    for (const sl of (rl.scopeLogs ?? []) as Record<string, unknown>[]) {
      const scope = (sl.scope ?? {}) as { name?: string; version?: string };
      for (const r of (sl.logRecords ?? []) as Record<string, unknown>[]) {
        const kinds: Record<string, string> = {};
        out.push({
          eventName: String(r.eventName ?? ''),
          severityNumber: Number(r.severityNumber ?? 0),
          severityText: String(r.severityText ?? ''),
          timeUnixNano: nanoString(r.timeUnixNano),
          observedTimeUnixNano: nanoString(r.observedTimeUnixNano),
          body: jsonValue(r.body),
          attributes: jsonAttrs(r.attributes, kinds),
          kinds,
          resource,
          scope: { name: scope.name ?? '', version: scope.version ?? '' },
        });
      }
    }
  }
  return out;
}

function nanoString(v: unknown): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const o = v as { low: number; high: number };
    return ((BigInt(o.high >>> 0) << 32n) + BigInt(o.low >>> 0)).toString();
  }
  return String(v);
}

// ---- OTLP/protobuf (opentelemetry/proto/collector/logs/v1) ----

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
  fixed64(): bigint {
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  /** Iterates fields, calling `on(field, wireType)`; unknown fields must be skipped with `skip`. */
  fields(on: (field: number, wire: number) => boolean): void {
    while (!this.done) {
      const tag = Number(this.varint());
      const field = tag >>> 3;
      const wire = tag & 7;
      if (!on(field, wire)) this.skip(wire);
    }
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** AnyValue's fields by number (opentelemetry/proto/common/v1/common.proto). */
const PB_KINDS = ['', 'stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

/** The field number an AnyValue message holds its value in (0 when empty). */
function pbKind(buf: Buffer): number {
  const r = new Reader(buf);
  let kind = 0;
  r.fields((f) => {
    if (f < 1 || f > 7) return false;
    kind = f;
    return false;
  });
  return kind;
}

function pbAnyValue(buf: Buffer): AnyValue {
  const r = new Reader(buf);
  let v: AnyValue = null;
  r.fields((f, w) => {
    if (f === 1 && w === 2) v = r.bytes().toString('utf8');
    else if (f === 2 && w === 0) v = r.varint() !== 0n;
    else if (f === 3 && w === 0) v = Number(BigInt.asIntN(64, r.varint()));
    else if (f === 4 && w === 1) {
      v = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
    } else if (f === 5 && w === 2) {
      const arr: AnyValue[] = [];
      const inner = new Reader(r.bytes());
      inner.fields((f2, w2) => (f2 === 1 && w2 === 2 ? (arr.push(pbAnyValue(inner.bytes())), true) : false));
      v = arr;
    } else if (f === 6 && w === 2) {
      const obj: Record<string, AnyValue> = {};
      const inner = new Reader(r.bytes());
      inner.fields((f2, w2) => (f2 === 1 && w2 === 2 ? (pbKeyValue(inner.bytes(), obj), true) : false));
      v = obj;
    } else if (f === 7 && w === 2) v = r.bytes().toString('base64');
    else return false;
    return true;
  });
  return v;
}

function pbKeyValue(buf: Buffer, into: Record<string, AnyValue>, kinds?: Record<string, string>): void {
  const r = new Reader(buf);
  let key = '';
  let value: AnyValue = null;
  let kind = 0;
  r.fields((f, w) => {
    if (f === 1 && w === 2) key = r.bytes().toString('utf8');
    else if (f === 2 && w === 2) {
      const b = r.bytes();
      value = pbAnyValue(b);
      kind = pbKind(b);
    } else return false;
    return true;
  });
  into[key] = value;
  if (kinds) kinds[key] = PB_KINDS[kind] || 'empty';
}

function pbAttributesOf(buf: Buffer, attrField: number): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  const r = new Reader(buf);
  r.fields((f, w) => (f === attrField && w === 2 ? (pbKeyValue(r.bytes(), out), true) : false));
  return out;
}

function pbLogRecord(buf: Buffer, resource: Record<string, AnyValue>, scope: { name: string; version: string }): ReceivedRecord {
  const rec: ReceivedRecord = {
    eventName: '',
    severityNumber: 0,
    severityText: '',
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    body: null,
    attributes: {},
    kinds: {},
    resource,
    scope,
  };
  const r = new Reader(buf);
  r.fields((f, w) => {
    if (f === 1 && w === 1) rec.timeUnixNano = r.fixed64().toString();
    else if (f === 11 && w === 1) rec.observedTimeUnixNano = r.fixed64().toString();
    else if (f === 2 && w === 0) rec.severityNumber = Number(r.varint());
    else if (f === 3 && w === 2) rec.severityText = r.bytes().toString('utf8');
    else if (f === 5 && w === 2) rec.body = pbAnyValue(r.bytes());
    else if (f === 6 && w === 2) pbKeyValue(r.bytes(), rec.attributes, rec.kinds);
    else if (f === 12 && w === 2) rec.eventName = r.bytes().toString('utf8');
    else return false;
    return true;
  });
  return rec;
}

export function decodeProtobuf(body: Buffer): ReceivedRecord[] {
  const out: ReceivedRecord[] = [];
  const req = new Reader(body);
  req.fields((f, w) => {
    if (f !== 1 || w !== 2) return false;
    const rl = new Reader(req.bytes());
    let resource: Record<string, AnyValue> = {};
    const scopes: Buffer[] = [];
    rl.fields((f2, w2) => {
      if (f2 === 1 && w2 === 2) resource = pbAttributesOf(rl.bytes(), 1);
      else if (f2 === 2 && w2 === 2) scopes.push(rl.bytes());
      else return false;
      return true;
    });
    for (const s of scopes) {
      const sl = new Reader(s);
      let scope = { name: '', version: '' };
      const records: Buffer[] = [];
      sl.fields((f3, w3) => {
        if (f3 === 1 && w3 === 2) {
          const sc = new Reader(sl.bytes());
          const next = { name: '', version: '' };
          sc.fields((f4, w4) => {
            if (f4 === 1 && w4 === 2) next.name = sc.bytes().toString('utf8');
            else if (f4 === 2 && w4 === 2) next.version = sc.bytes().toString('utf8');
            else return false;
            return true;
          });
          scope = next;
        } else if (f3 === 2 && w3 === 2) records.push(sl.bytes());
        else return false;
        return true;
      });
      for (const rec of records) out.push(pbLogRecord(rec, resource, scope));
    }
    return true;
  });
  return out;
}

// ---- the server ----

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly records: ReceivedRecord[] = [];
  /** Requests that could not be decoded (answered 400). */
  readonly errors: string[] = [];
  /** Status to answer instead of 200 (e.g. 503 to play an overloaded collector). */
  status = 200;
  private server: Server | null = null;
  private waiters: { pred: (r: ReceivedRecord[]) => boolean; resolve: () => void }[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/logs`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on the previous port after a restart). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/logs') {
          res.writeHead(404).end();
          return;
        }
        if (this.status !== 200) {
          res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        const contentType = String(req.headers['content-type'] ?? '');
        const encoding = String(req.headers['content-encoding'] ?? '');
        try {
          let body = Buffer.concat(chunks);
          if (encoding === 'gzip') body = gunzipSync(body);
          const records = contentType.includes('protobuf') ? decodeProtobuf(body) : decodeJson(body);
          this.requests.push({ contentType, encoding, headers: req.headers, records });
          this.records.push(...records);
          res.writeHead(200, { 'content-type': contentType.includes('protobuf') ? 'application/x-protobuf' : 'application/json' });
          res.end(contentType.includes('protobuf') ? Buffer.alloc(0) : '{}');
          this.check();
        } catch (err) {
          this.errors.push((err as Error).message);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops open connections (a collector that went away). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(this.records)) return true;
      w.resolve();
      return false;
    });
  }

  /** Waits until the received records satisfy `pred`, or fails after `timeoutMs` naming what was received. */
  waitFor(pred: (records: ReceivedRecord[]) => boolean, timeoutMs = 10_000, what = 'records'): Promise<void> {
    if (pred(this.records)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const names = this.records.map((r) => r.eventName);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${names.length}: ${names.slice(-20).join(', ')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  /** Waits for a record with this event name whose attributes match `match`. */
  async waitForEvent(name: string, match: (r: ReceivedRecord) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedRecord> {
    const find = (rs: ReceivedRecord[]) => rs.find((r) => r.eventName === name && match(r));
    await this.waitFor((rs) => !!find(rs), timeoutMs, name);
    return find(this.records)!;
  }
}

export async function startReceiver(port = 0): Promise<OtlpReceiver> {
  return new OtlpReceiver().start(port);
}
