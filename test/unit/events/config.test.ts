import { describe, expect, it } from 'vitest';
import { resolveEventsConfig } from '../../../src/events/config.js';

const args = (values: Record<string, string[]>) => ({ positionals: [], values: new Map(Object.entries(values)) });
const base = { events: {}, configFile: null, stateDir: '/tmp/state' };

describe('events configuration', () => {
  it('is off without an endpoint', () => {
    expect(resolveEventsConfig({ ...base, args: args({}) }, {})).toBeNull();
  });

  it('is on with an OTEL_* endpoint, which the exporter reads itself', () => {
    const c = resolveEventsConfig({ ...base, args: args({}) }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:pw@collector:4318/' })!;
    // Nothing read from the environment is passed on: the SDK reads it, with its own rules.
    expect(c.otlp).toEqual({ protocol: 'http/protobuf', headers: {}, endpoint: 'http://collector:4318/ (OTEL_EXPORTER_OTLP_ENDPOINT)' });
    const logs = resolveEventsConfig({ ...base, args: args({}) }, { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://c:1/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:1' })!;
    expect(logs.otlp.endpoint).toBe('http://c:1/custom (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT)');
  });

  it('chooses the protocol as the SDK does: flag, file, OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, OTEL_EXPORTER_OTLP_PROTOCOL, http/protobuf', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1' };
    const p = (events: Record<string, unknown>, values: Record<string, string[]>, extra: Record<string, string>) =>
      resolveEventsConfig({ ...base, events, args: args(values) }, { ...env, ...extra })!.otlp.protocol;
    expect(p({}, {}, {})).toBe('http/protobuf');
    expect(p({}, {}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http/json');
    expect(p({}, {}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf' })).toBe('http/protobuf');
    expect(p({ otlp: { protocol: 'http/json' } }, {}, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf' })).toBe('http/json');
    expect(p({ otlp: { protocol: 'http/json' } }, { 'events.otlp.protocol': ['http/protobuf'] }, {})).toBe('http/protobuf');
    expect(() => p({}, {}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported \(use http\/protobuf or http\/json/);
  });

  it('takes the batch schedule from OTEL_BLRP_* unless set by flag or file', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1', OTEL_BLRP_SCHEDULE_DELAY: '120', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '64', OTEL_BLRP_MAX_QUEUE_SIZE: '2048' };
    const fromEnv = resolveEventsConfig({ ...base, args: args({}) }, env)!;
    expect([fromEnv.flushIntervalMs, fromEnv.batchSize, fromEnv.queueSize]).toEqual([120, 64, 2048]);
    const defaults = resolveEventsConfig({ ...base, args: args({}) }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1' })!;
    expect([defaults.flushIntervalMs, defaults.batchSize, defaults.queueSize]).toEqual([50, 512, 10_000]);
    const fromFile = resolveEventsConfig({ ...base, events: { flush_interval: '30ms', batch_size: 8 }, args: args({ 'events.queue-size': ['5'] }) }, env)!;
    expect([fromFile.flushIntervalMs, fromFile.batchSize, fromFile.queueSize]).toEqual([30, 8, 5]);
    expect(() => resolveEventsConfig({ ...base, args: args({}) }, { ...env, OTEL_BLRP_MAX_QUEUE_SIZE: 'lots' })).toThrow(/OTEL_BLRP_MAX_QUEUE_SIZE: expected a positive integer/);
  });

  it('flags win over the config file, which wins over the environment', () => {
    const events = { otlp: { endpoint: 'http://file:4318', headers: { a: 'file' }, compression: 'gzip', timeout: '3s' }, queue_size: 50, fim: { paths: ['/etc'], debounce: '50ms' } };
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
    const fromFile = resolveEventsConfig({ ...base, events, args: args({}) }, env)!;
    expect(fromFile.otlp).toEqual({ protocol: 'http/protobuf', url: 'http://file:4318/v1/logs', headers: { a: 'file' }, compression: 'gzip', timeoutMs: 3000, endpoint: 'http://file:4318/v1/logs' });
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
    expect(() => resolveEventsConfig({ ...base, args: args({}) }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT.*must be http/);
    expect(() => resolveEventsConfig({ ...base, args: args({ 'events.queue-size': ['0'] }) }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a' })).toThrow(/queue-size/);
    expect(() => resolveEventsConfig({ ...base, events: { bogus: 1 }, args: args({}) }, {})).toThrow(/unknown key "bogus"/);
  });
});
