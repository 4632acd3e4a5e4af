import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEventsConfig } from '../../../src/events/config.js';
import { createOtlpExporter } from '../../../src/events/exporter.js';
import { createEventMetrics } from '../../../src/events/metrics.js';
import { EventPipeline } from '../../../src/events/pipeline.js';
import { parseResourceAttributes, resourceAttributes } from '../../../src/events/resource.js';
import { decodeProtobuf, startReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';
import { fixedClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { Registry } from 'prom-client';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);
let receiver: OtlpReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
});

function pipelineTo(url: string, o: { queueSize?: number; batchSize?: number; compression?: 'gzip' | 'none'; registry?: Registry } = {}) {
  const metrics = createEventMetrics(o.registry);
  const log = memoryLogger();
  const pipeline = new EventPipeline({
    exporter: createOtlpExporter({ url, headers: { 'x-tenant': 'blue' }, compression: o.compression ?? 'none', timeoutMs: 500 }),
    resource: resourceFromAttributes(resourceAttributes({ env: { K8S_NODE_NAME: 'node-1' }, machineId: 'abc123', hostname: 'host-a' })),
    clock: fixedClock(T + 5),
    log,
    metrics,
    queueSize: o.queueSize ?? 100,
    batchSize: o.batchSize ?? 10,
    flushIntervalMs: 20,
    retryInitialMs: 50,
    retryMaxMs: 200,
  });
  return { pipeline, metrics, log };
}

describe('event pipeline over OTLP/HTTP', () => {
  it('sends records with event name, times, severity, attributes and the resource', async () => {
    receiver = await startReceiver();
    const { pipeline, metrics } = pipelineTo(receiver.url, { compression: 'gzip' });
    pipeline.emit('fim', { name: 'hostbaseline.file.modified', severity: 'WARN', time: T, attributes: { 'file.path': '/etc/passwd', 'file.size': 12 } });
    const r = await receiver.waitForEvent('hostbaseline.file.modified');
    expect(r.attributes).toMatchObject({ 'file.path': '/etc/passwd', 'file.size': 12, 'hostbaseline.event.source': 'fim' });
    expect(r.severityNumber).toBe(13);
    expect(r.severityText).toBe('WARN');
    expect(r.timeUnixNano).toBe(String(BigInt(T) * 1_000_000n));
    expect(r.observedTimeUnixNano).toBe(String(BigInt(T + 5) * 1_000_000n));
    expect(r.resource).toMatchObject({
      'service.name': 'hostbaseline',
      'host.name': 'host-a',
      'host.id': 'abc123',
      'os.type': 'linux',
      'k8s.node.name': 'node-1',
    });
    expect(r.resource['service.version']).toBeTypeOf('string');
    await pipeline.flush();
    expect(receiver.requests[0]!.encoding).toBe('gzip');
    expect(receiver.requests[0]!.headers['x-tenant']).toBe('blue');
    expect(metrics.totals()).toMatchObject({ produced: 1, exported: 1, dropped: 0 });
    await pipeline.shutdown(1000);
  });

  it('keeps events while the receiver is down, delivers them after restart, counts what exceeded the queue', async () => {
    receiver = await startReceiver();
    const registry = new Registry();
    const { pipeline, metrics, log } = pipelineTo(receiver.url, { queueSize: 30, batchSize: 10, registry });
    for (let i = 0; i < 5; i++) pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: { n: i } });
    await receiver.waitFor((rs) => rs.length === 5);
    await pipeline.flush();
    await receiver.stop();
    for (let i = 5; i < 45; i++) pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: { n: i } });
    await new Promise((r) => setTimeout(r, 300));
    expect(metrics.totals().failures).toBeGreaterThan(0);
    await receiver.start();
    await receiver.waitFor((rs) => rs.length === 35, 10_000, '35 records');
    await pipeline.flush(2000);
    const got = receiver.records.map((r) => r.attributes.n);
    expect(got).toEqual([...Array(35).keys()]);
    expect(metrics.totals()).toMatchObject({ produced: 45, exported: 35, dropped: 10 });
    expect(log.lines.some((l) => l.includes('event export failed'))).toBe(true);
    const text = await registry.metrics();
    expect(text).toContain('hostbaseline_events_dropped_total{source="fim",reason="queue_full"} 10');
    expect(text).toContain('hostbaseline_events_total{source="fim",event="hostbaseline.file.created"} 45');
    expect(text).toMatch(/hostbaseline_events_export_failures_total [1-9]/);
    await pipeline.shutdown(1000);
  });

  it('counts the events it could not send before the shutdown deadline', async () => {
    receiver = await startReceiver();
    receiver.status = 503;
    const { pipeline, metrics } = pipelineTo(receiver.url);
    for (let i = 0; i < 3; i++) pipeline.emit('audit', { name: 'hostbaseline.process.exec', severity: 'INFO', time: T, attributes: {} });
    const t0 = Date.now();
    await pipeline.shutdown(300);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(metrics.totals().droppedByReason).toEqual({ shutdown: 3 });
  });

  it('works with an in-memory exporter', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const metrics = createEventMetrics();
    const pipeline = new EventPipeline({
      exporter,
      resource: resourceFromAttributes({}),
      clock: fixedClock(T),
      log: memoryLogger(),
      metrics,
      queueSize: 10,
      batchSize: 2,
      flushIntervalMs: 10,
    });
    pipeline.emit('drift', { name: 'hostbaseline.drift.added', severity: 'INFO', time: T, attributes: { 'hostbaseline.drift.table': 'users' } });
    await pipeline.flush();
    expect(exporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(['hostbaseline.drift.added']);
  });
});

describe('the test receiver', () => {
  it('decodes protobuf as the SDK serializes it', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const pipeline = new EventPipeline({
      exporter,
      resource: resourceFromAttributes({ 'service.name': 'x' }),
      clock: fixedClock(T),
      log: memoryLogger(),
      metrics: createEventMetrics(),
      queueSize: 10,
      batchSize: 1,
      flushIntervalMs: 10,
    });
    pipeline.emit('audit', { name: 'hostbaseline.process.exec', severity: 'INFO', time: T, attributes: { 'process.pid': 42, 'process.command_args': ['ls', '-l'], ok: true } });
    await pipeline.flush();
    const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!;
    const [r] = decodeProtobuf(Buffer.from(bytes));
    expect(r!.eventName).toBe('hostbaseline.process.exec');
    expect(r!.attributes).toMatchObject({ 'process.pid': 42, 'process.command_args': ['ls', '-l'], ok: true });
    expect(r!.resource['service.name']).toBe('x');
    expect(r!.timeUnixNano).toBe(String(BigInt(T) * 1_000_000n));
  });
});

describe('events configuration', () => {
  const args = (values: Record<string, string[]>) => ({ positionals: [], values: new Map(Object.entries(values)) });
  const base = { events: {}, configFile: null, stateDir: '/tmp/state' };

  it('is off without an endpoint', () => {
    expect(resolveEventsConfig({ ...base, args: args({}) }, {})).toBeNull();
  });

  it('reads the standard OTEL_* variables', () => {
    const c = resolveEventsConfig(
      { ...base, args: args({}) },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%20y', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    )!;
    expect(c.otlp).toMatchObject({ url: 'http://collector:4318/v1/logs', headers: { a: '1', b: 'x y' }, compression: 'gzip' });
    const logs = resolveEventsConfig({ ...base, args: args({}) }, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://c:1/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:1' })!;
    expect(logs.otlp.url).toBe('http://c:1/custom');
  });

  it('flags win over the config file, which wins over the environment', () => {
    const events = { otlp: { endpoint: 'http://file:4318', headers: { a: 'file' } }, queue_size: 50, fim: { paths: ['/etc'], debounce: '50ms' } };
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_EXPORTER_OTLP_HEADERS: 'a=env,b=env' };
    const fromFile = resolveEventsConfig({ ...base, events, args: args({}) }, env)!;
    expect(fromFile.otlp.url).toBe('http://file:4318/v1/logs');
    expect(fromFile.otlp.headers).toEqual({ a: 'file', b: 'env' });
    expect(fromFile.queueSize).toBe(50);
    expect(fromFile.fim).toMatchObject({ paths: ['/etc'], debounceMs: 50 });
    const fromFlags = resolveEventsConfig(
      { ...base, events, args: args({ 'events.otlp.endpoint': ['http://flag:1'], 'events.otlp.header': ['a=flag'], 'events.queue-size': ['7'], 'events.fim.path': ['/srv'] }) },
      env,
    )!;
    expect(fromFlags.otlp.url).toBe('http://flag:1/v1/logs');
    expect(fromFlags.otlp.headers.a).toBe('flag');
    expect(fromFlags.queueSize).toBe(7);
    expect(fromFlags.fim!.paths).toEqual(['/srv']);
  });

  it('rejects bad values with a message naming the setting', () => {
    expect(() => resolveEventsConfig({ ...base, args: args({ 'events.otlp.endpoint': ['ftp://x'] }) }, {})).toThrow(/events.otlp.endpoint.*http/);
    expect(() => resolveEventsConfig({ ...base, args: args({ 'events.queue-size': ['0'] }) }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a' })).toThrow(/queue-size/);
    expect(() => resolveEventsConfig({ ...base, events: { bogus: 1 }, args: args({}) }, {})).toThrow(/unknown key "bogus"/);
  });

  it('parses OTEL_RESOURCE_ATTRIBUTES; OTEL_SERVICE_NAME wins', () => {
    expect(parseResourceAttributes('a=1,b=%2Fx,bad')).toEqual({ a: '1', b: '/x' });
    const attrs = resourceAttributes({ env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=fromattrs,team=sec', OTEL_SERVICE_NAME: 'svc' }, machineId: null, hostname: 'h' });
    expect(attrs).toMatchObject({ 'service.name': 'svc', team: 'sec', 'host.name': 'h' });
    expect(attrs['host.id']).toBeUndefined();
  });
});
