import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveEventsConfig, type OtlpConfig, type OtlpProtocol } from '../../../src/events/config.js';
import { createOtlpExporter } from '../../../src/events/exporter.js';
import { createEventMetrics } from '../../../src/events/metrics.js';
import { startEvents } from '../../../src/events/index.js';
import { EventPipeline, type PipelineOptions } from '../../../src/events/pipeline.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { fixedClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { fakeCommands, tempDir } from '../../helpers.js';
import { decodeProtobuf, startReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOST = { 'service.name': 'hostbaseline', 'service.version': '9.9.9', 'host.name': 'host-a', 'host.id': 'abc123', 'os.type': 'linux', 'k8s.node.name': 'node-1' };

let receiver: OtlpReceiver | null = null;
const running: EventPipeline[] = [];
afterEach(async () => {
  // The SDK registers a global logger provider: every test leaves it free for the next one.
  for (const p of running.splice(0)) await p.shutdown(0);
  await receiver?.stop();
  receiver = null;
  vi.unstubAllEnvs();
});

type Extra = Partial<Omit<PipelineOptions, 'exporter'>> & { otlp?: Partial<OtlpConfig>; registry?: Registry };

async function start(o: Extra & { exporter: PipelineOptions['exporter'] }) {
  const metrics = createEventMetrics(o.registry);
  const log = memoryLogger();
  const pipeline = await EventPipeline.start({
    resourceAttributes: HOST,
    clock: fixedClock(T + 5),
    log,
    metrics,
    queueSize: 100,
    batchSize: 10,
    flushIntervalMs: 20,
    retryInitialMs: 50,
    retryMaxMs: 200,
    ...o,
  });
  if (!pipeline) throw new Error('SDK disabled');
  running.push(pipeline);
  return { pipeline, metrics, log };
}

async function pipelineTo(url: string | undefined, o: Extra = {}) {
  const otlp: OtlpConfig = { protocol: 'http/protobuf', headers: { 'x-tenant': 'blue' }, timeoutMs: 500, endpoint: 'test', ...(url ? { url } : {}), ...o.otlp };
  return start({ ...o, exporter: await createOtlpExporter(otlp) });
}

const PROTOCOLS: [OtlpProtocol, string][] = [
  ['http/protobuf', 'application/x-protobuf'],
  ['http/json', 'application/json'],
];

describe.each(PROTOCOLS)('event pipeline over OTLP %s', (protocol, contentType) => {
  it('sends records with event name, body, times, severity, attributes and the resource', async () => {
    receiver = await startReceiver();
    const { pipeline, metrics } = await pipelineTo(receiver.url, { otlp: { protocol, compression: 'gzip' } });
    pipeline.emit('fim', {
      name: 'hostbaseline.file.modified',
      severity: 'WARN',
      time: T,
      body: '/etc/passwd modified',
      attributes: { 'file.path': '/etc/passwd', 'file.size': 12 },
    });
    pipeline.emit('drift', { name: 'hostbaseline.drift.added', severity: 'ERROR', time: T, attributes: {} });
    const r = await receiver.waitForEvent('hostbaseline.file.modified');
    expect(r.body).toBe('/etc/passwd modified');
    expect(r.attributes).toMatchObject({ 'file.path': '/etc/passwd', 'file.size': 12, 'hostbaseline.event.source': 'fim' });
    // The log data model's EventName field carries the name; no event.name attribute.
    expect(r.attributes['event.name']).toBeUndefined();
    expect(r.severityNumber).toBe(13);
    expect(r.severityText).toBe('WARN');
    expect(r.timeUnixNano).toBe(String(BigInt(T) * 1_000_000n));
    expect(r.observedTimeUnixNano).toBe(String(BigInt(T + 5) * 1_000_000n));
    expect(r.resource).toMatchObject(HOST);
    expect(r.resource['telemetry.sdk.language']).toBe('nodejs');
    expect(r.scope.name).toBe('hostbaseline');
    const added = await receiver.waitForEvent('hostbaseline.drift.added');
    expect(added.body).toBe('hostbaseline.drift.added');
    expect([added.severityNumber, added.severityText]).toEqual([17, 'ERROR']);
    await pipeline.flush();
    expect(receiver.requests[0]!.contentType).toBe(contentType);
    expect(receiver.requests[0]!.encoding).toBe('gzip');
    expect(receiver.requests[0]!.headers['x-tenant']).toBe('blue');
    expect(metrics.totals()).toMatchObject({ produced: 2, exported: 2, dropped: 0 });
  });

  it('sends maps and arrays as OTLP kvlistValue and arrayValue, not JSON text', async () => {
    receiver = await startReceiver();
    const { pipeline } = await pipelineTo(receiver.url, { otlp: { protocol } });
    const row = { name: 'eve', uid: 0, shells: ['/bin/sh', '/bin/bash'], home: { path: '/root', mode: 0o700 }, locked: false, ratio: 0.5 };
    pipeline.emit('drift', {
      name: 'hostbaseline.drift.changed',
      severity: 'WARN',
      time: T,
      attributes: { 'hostbaseline.drift.row': row, 'hostbaseline.drift.changed_columns': ['uid', 'home'], 'hostbaseline.drift.matrix': [[1, 2], [{ a: 'b' }]] },
    });
    const r = await receiver.waitForEvent('hostbaseline.drift.changed');
    expect(r.attributes['hostbaseline.drift.row']).toEqual(row);
    expect(r.attributes['hostbaseline.drift.changed_columns']).toEqual(['uid', 'home']);
    expect(r.attributes['hostbaseline.drift.matrix']).toEqual([[1, 2], [{ a: 'b' }]]);
    expect(r.kinds['hostbaseline.drift.row']).toBe('kvlistValue');
    expect(r.kinds['hostbaseline.drift.changed_columns']).toBe('arrayValue');
  });
});

describe('event pipeline delivery', () => {
  it('keeps events while the receiver is down, delivers them after restart, counts what exceeded the queue', async () => {
    receiver = await startReceiver();
    const registry = new Registry();
    const { pipeline, metrics, log } = await pipelineTo(receiver.url, { queueSize: 30, batchSize: 10, registry });
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
  });

  it('sends a record after a quiet spell at once, and a stream at most once per flush interval', async () => {
    receiver = await startReceiver();
    const { pipeline } = await pipelineTo(receiver.url, { flushIntervalMs: 5_000 });
    pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: { n: 0 } });
    // Well before the 5 s interval: the first record did not wait for it.
    await receiver.waitFor((rs) => rs.length === 1, 2_000, 'the first record');
    for (let i = 1; i <= 3; i++) pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: { n: i } });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.records).toHaveLength(1);
    await pipeline.flush();
    expect(receiver.requests.map((r) => r.records.length)).toEqual([1, 3]);
  });

  it('counts the events it could not send before the shutdown deadline', async () => {
    receiver = await startReceiver();
    receiver.status = 503;
    const { pipeline, metrics } = await pipelineTo(receiver.url);
    for (let i = 0; i < 3; i++) pipeline.emit('audit', { name: 'hostbaseline.process.exec', severity: 'INFO', time: T, attributes: {} });
    const t0 = Date.now();
    await pipeline.shutdown(300);
    running.splice(running.indexOf(pipeline), 1);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(metrics.totals().droppedByReason).toEqual({ shutdown: 3 });
  });

  it('works with an in-memory exporter and cuts long values', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const { pipeline } = await start({ exporter, batchSize: 2 });
    pipeline.emit('drift', { name: 'hostbaseline.drift.added', severity: 'INFO', time: T, attributes: { long: 'x'.repeat(10_000), nested: { long: ['y'.repeat(10_000)] } } });
    await pipeline.flush();
    const [r] = exporter.getFinishedLogRecords();
    expect(r!.eventName).toBe('hostbaseline.drift.added');
    expect((r!.attributes.long as string).length).toBe(4096);
    expect((r!.attributes.nested as { long: string[] }).long[0]!.length).toBe(4096);
  });
});

describe('the OpenTelemetry SDK configures the exporter from the environment', () => {
  const noArgs = { positionals: [], values: new Map<string, string[]>() };
  const base = { events: {}, configFile: null, stateDir: '/tmp/state' };

  it('reads OTEL_EXPORTER_OTLP_*, OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME', async () => {
    receiver = await startReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.baseUrl + '/');
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'a=1,b=x%20y');
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.name=fromattrs,team=sec,host.name=renamed');
    vi.stubEnv('OTEL_SERVICE_NAME', 'svc');
    const c = resolveEventsConfig({ ...base, args: noArgs })!;
    expect(c.otlp).toEqual({ protocol: 'http/json', headers: {}, endpoint: `${receiver.baseUrl}/ (OTEL_EXPORTER_OTLP_ENDPOINT)` });
    const { pipeline } = await start({ exporter: await createOtlpExporter(c.otlp) });
    pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: {} });
    const r = await receiver.waitForEvent('hostbaseline.file.created');
    const req = receiver.requests[0]!;
    expect([req.contentType, req.encoding, req.headers.a, req.headers.b]).toEqual(['application/json', 'gzip', '1', 'x y']);
    // OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES, which wins over what hostbaseline reads.
    expect(r.resource).toMatchObject({ 'service.name': 'svc', team: 'sec', 'host.name': 'renamed', 'host.id': 'abc123' });
  });

  it('flags win over the environment: endpoint, header, protocol, service name', async () => {
    receiver = await startReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:1');
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'a=env,b=env');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_SERVICE_NAME', 'svc');
    const args = {
      positionals: [],
      values: new Map([
        ['events.otlp.endpoint', [receiver.baseUrl]],
        ['events.otlp.header', ['a=flag']],
        ['events.otlp.protocol', ['http/protobuf']],
        ['events.service-name', ['flagged']],
      ]),
    };
    const c = resolveEventsConfig({ ...base, args })!;
    const { pipeline } = await start({ exporter: await createOtlpExporter(c.otlp), serviceName: c.serviceName! });
    pipeline.emit('fim', { name: 'hostbaseline.file.created', severity: 'INFO', time: T, attributes: {} });
    const r = await receiver.waitForEvent('hostbaseline.file.created');
    const req = receiver.requests[0]!;
    expect([req.contentType, req.headers.a, req.headers.b]).toEqual(['application/x-protobuf', 'flag', 'env']);
    expect(r.resource['service.name']).toBe('flagged');
  });

  it('OTEL_SDK_DISABLED turns events off', async () => {
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    const registry = new Registry();
    const c = resolveEventsConfig({ ...base, events: { drift: { enabled: false } }, args: { positionals: [], values: new Map([['events.otlp.endpoint', ['http://127.0.0.1:9']]]) } })!;
    const events = await startEvents(c, {
      fs: new HostFs({ rootfs: tempDir() }),
      log: memoryLogger(),
      clock: fixedClock(T),
      commands: fakeCommands(),
      registry,
      resourceAttributes: HOST,
    });
    expect(events).toBeNull();
    expect(await registry.metrics()).not.toContain('hostbaseline_events');
    const exporter = new InMemoryLogRecordExporter();
    const p = await EventPipeline.start({
      exporter,
      resourceAttributes: HOST,
      clock: fixedClock(T),
      log: memoryLogger(),
      metrics: createEventMetrics(),
      queueSize: 10,
      batchSize: 1,
      flushIntervalMs: 10,
    });
    expect(p).toBeNull();
  });
});

describe('the test receiver', () => {
  it('decodes protobuf as the SDK serializes it', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const { pipeline } = await start({ exporter, resourceAttributes: { 'service.name': 'x' }, batchSize: 1 });
    pipeline.emit('audit', {
      name: 'hostbaseline.process.exec',
      severity: 'INFO',
      time: T,
      attributes: { 'process.pid': 42, 'process.command_args': ['ls', '-l'], ok: true, m: { k: [1.5, 'v'] } },
    });
    await pipeline.flush();
    const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!;
    const [r] = decodeProtobuf(Buffer.from(bytes));
    expect(r!.eventName).toBe('hostbaseline.process.exec');
    expect(r!.attributes).toMatchObject({ 'process.pid': 42, 'process.command_args': ['ls', '-l'], ok: true, m: { k: [1.5, 'v'] } });
    expect(r!.kinds).toMatchObject({ 'process.pid': 'intValue', 'process.command_args': 'arrayValue', ok: 'boolValue', m: 'kvlistValue' });
    expect(r!.resource['service.name']).toBe('x');
    expect(r!.timeUnixNano).toBe(String(BigInt(T) * 1_000_000n));
  });
});
