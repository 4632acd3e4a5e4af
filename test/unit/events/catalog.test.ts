import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEventMetrics } from '../../../src/events/metrics.js';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CATALOG_DIR, parseCatalog } from '../../../src/metrics/catalog.js';

describe('the events catalog (metrics/events.yaml)', () => {
  // Only this file: other catalog files are checked by their own tests.
  const catalog = parseCatalog({ 'events.yaml': readFileSync(path.join(CATALOG_DIR, 'events.yaml'), 'utf8') });
  const events = catalog.events;

  it('names each event once, with a known source and severity', () => {
    expect(new Set(events.map((e) => e.name)).size).toBe(events.length);
    for (const e of events) {
      expect(e.name).toMatch(/^hostbaseline\.[a-z_]+\.[a-z_]+$/);
      expect(['fim', 'audit', 'syslog', 'drift']).toContain(e.source);
      expect(['INFO', 'WARN', 'ERROR']).toContain(e.severity);
      expect(e.attributes.length).toBeGreaterThan(0);
    }
  });

  it('declares every counter the pipeline registers', async () => {
    const registry = new Registry();
    createEventMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    for (const n of names) expect(catalog.byName.get(n)?.collector, n).toBe('exporter');
  });
});
