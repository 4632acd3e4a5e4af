import { afterEach, describe, expect, it } from 'vitest';
import { defineCollector, type FactTable } from '../../../src/collectors/types.js';
import { loadCatalog } from '../../../src/metrics/catalog.js';
import { createApp, listen, parseListenAddress, type RunningServer } from '../../../src/server/app.js';
import { ExpositionCache } from '../../../src/server/exposition-cache.js';
import { createSelfRegistry } from '../../../src/server/self-metrics.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { fixturePath, schedulerFor } from '../../helpers.js';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('HTTP app with a hanging collector', () => {
  it('is not ready and still serves /metrics at once from the cache', async () => {
    const hang = defineCollector({
      name: 'os_release',
      area: 'system',
      description: 'hangs',
      defaultEnabled: true,
      interval: 60_000,
      timeout: 60_000,
      tables: [{ name: 'os_release', key: ['id'], description: '' }],
      collect: () => new Promise<FactTable[]>(() => {}),
    });
    const scheduler = schedulerFor([hang], fixturePath('host-empty'));
    void scheduler.runNow('os_release');
    const app = createApp({
      scheduler,
      exposition: new ExpositionCache(scheduler, loadCatalog(), createSelfRegistry()),
      telemetryPath: '/metrics',
      webConfig: null,
      log: memoryLogger(),
    });
    server = await listen(app, '127.0.0.1:0', null);
    const ready = await fetch(`http://${server.address}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain('os_release');
    const t0 = performance.now();
    const metrics = await fetch(`http://${server.address}/metrics`);
    expect(metrics.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await metrics.text()).toContain('hostbaseline_build_info');
    scheduler.stop();
  });
});

describe('listen address', () => {
  it('parses node_exporter forms', () => {
    expect(parseListenAddress(':9855')).toEqual({ host: undefined, port: 9855 });
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:9855')).toEqual({ host: '::1', port: 9855 });
    expect(() => parseListenAddress('9855')).toThrow(/not host:port/);
    expect(() => parseListenAddress(':99999')).toThrow(/out of range/);
  });
});

describe('exposition cache', () => {
  it('serves the last assembled body and picks up a refresh shortly after, off the scrape path', async () => {
    let n = 1;
    const c = defineCollector({
      name: 'os_release',
      area: 'system',
      description: 'counts',
      defaultEnabled: true,
      interval: 60_000,
      timeout: 1000,
      tables: [{ name: 'os_release', key: ['id'], description: '' }],
      collect: async () => [{ name: 'os_release', rows: [{ id: `v${n++}` }] }],
    });
    const scheduler = schedulerFor([c], fixturePath('host-empty'));
    const cache = new ExpositionCache(scheduler, loadCatalog(), createSelfRegistry());
    expect(cache.ready()).toBe(false);
    await scheduler.runNow('os_release');
    await cache.settle();
    expect(cache.ready()).toBe(true);
    expect((await cache.render()).text).toContain('hostbaseline_os_info{id="v1"');
    await scheduler.runNow('os_release');
    await cache.settle();
    const out = await cache.render({ gzip: true });
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(out.gzip!).toString()).toContain('hostbaseline_os_info{id="v2"');
    // The gzip stream is the plain body, member by member (the live part differs per scrape).
    const plain = (await cache.render()).text;
    expect(gunzipSync(out.gzip!).toString().split('hostbaseline_build_info')[0]).toBe(plain.split('hostbaseline_build_info')[0]);
  });

  it('is ready at once when no collector is enabled', () => {
    const cache = new ExpositionCache(schedulerFor([], fixturePath('host-empty')), loadCatalog(), createSelfRegistry());
    expect(cache.ready()).toBe(true);
  });
});

describe('concurrent scrape cap (--web.max-requests)', () => {
  it('answers 503 at once over the cap and serves again when scrapes end', async () => {
    const scheduler = schedulerFor([], fixturePath('host-empty'));
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    // An exposition that holds every scrape until released, to have scrapes in flight.
    const exposition = { render: async () => (await gate, { text: 'x 1\n' }), ready: () => true } as unknown as ExpositionCache;
    const app = createApp({ scheduler, exposition, telemetryPath: '/metrics', webConfig: null, log: memoryLogger(), maxRequests: 2 });
    server = await listen(app, '127.0.0.1:0', null);
    const held = [fetch(`http://${server.address}/metrics`), fetch(`http://${server.address}/metrics`)];
    await new Promise((r) => setTimeout(r, 200));
    const over = await fetch(`http://${server.address}/metrics`);
    expect(over.status).toBe(503);
    expect(await over.text()).toMatch(/too many concurrent scrapes \(limit 2\)/);
    expect((await fetch(`http://${server.address}/healthz`)).status).toBe(200);
    release();
    for (const r of await Promise.all(held)) expect(r.status).toBe(200);
    expect((await fetch(`http://${server.address}/metrics`)).status).toBe(200);
  });
});
