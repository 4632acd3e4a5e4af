import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/collectors/scheduler.js';
import { defineCollector, type CollectorSpec, type FactTable } from '../../../src/collectors/types.js';
import { HostFs } from '../../../src/host/hostfs.js';
import { parseCatalog } from '../../../src/metrics/catalog.js';
import { assembleExposition } from '../../../src/metrics/exposition.js';
import { renderHealth } from '../../../src/metrics/health.js';
import { fixedClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { fakeCommands, fixturePath, REPO } from '../../helpers.js';

const catalog = parseCatalog({
  'exporter.yaml': readFileSync(path.join(REPO, 'metrics', 'exporter.yaml'), 'utf8'),
  'test.yaml': `
families:
  - name: t_item_info
    type: gauge
    help: One per item.
    collector: items
    table: items
    labels: [name]
    per_item: true
    cap: 3
    cardinality: one per item
  - name: t_ok
    type: gauge
    help: Value.
    collector: good
    table: good
    value: v
    cardinality: one
  - name: t_slow
    type: gauge
    help: Value.
    collector: slow
    table: slow
    value: v
    cardinality: one
`,
});

function spec(name: string, collect: () => Promise<FactTable[]>, timeout = 1000): CollectorSpec {
  return defineCollector({
    name,
    area: 'system',
    description: name,
    defaultEnabled: true,
    interval: 60_000,
    timeout,
    tables: [{ name, key: ['name'], description: name }],
    collect,
  });
}

function scheduler(specs: CollectorSpec[], maxSeries?: number, limits?: { rows?: number; homes?: number }) {
  const log = memoryLogger();
  const s = new Scheduler({
    ...(limits ? { limits } : {}),
    specs,
    configs: new Map(specs.map((x) => [x.name, { enabled: true, interval: x.interval, timeout: x.timeout, options: {}, ...(maxSeries ? { maxSeries } : {}) }])),
    catalog,
    fs: new HostFs({ rootfs: fixturePath('host-empty') }),
    clock: fixedClock(1_000_000),
    log,
    commands: fakeCommands(),
    random: () => 0,
  });
  return { s, log };
}

const text = (s: Scheduler) =>
  assembleExposition(catalog, [...s.list().map((x) => x.rendered?.samples ?? new Map<string, string>()), renderHealth(s.list())]);

describe('Scheduler', () => {
  it('a throwing collector reports failure and the others are unaffected', async () => {
    const good = spec('good', async () => [{ name: 'good', rows: [{ name: 'x', v: 7 }] }]);
    const bad = spec('bad', async () => {
      throw new Error('/etc/thing: permission denied');
    });
    const { s, log } = scheduler([good, bad]);
    await s.runAll();
    const out = text(s);
    expect(out).toContain('hostbaseline_collector_success{collector="bad"} 0');
    expect(out).toContain('hostbaseline_collector_success{collector="good"} 1');
    expect(out).toContain('hostbaseline_collector_errors_total{collector="bad"} 1');
    expect(out).toContain('t_ok 7');
    expect(log.lines.some((l) => l.includes('collector=bad') && l.includes('/etc/thing: permission denied'))).toBe(true);
  });

  it('a hanging collector times out, keeps failing while it hangs, and never blocks the others', async () => {
    let release!: () => void;
    let hung = true;
    const hang = spec(
      'slow',
      () =>
        hung
          ? new Promise((resolve) => {
              release = () => resolve([{ name: 'slow', rows: [{ name: 'x', v: 1 }] }]);
            })
          : Promise.resolve([{ name: 'slow', rows: [{ name: 'x', v: 2 }] }]),
      50,
    );
    const good = spec('good', async () => [{ name: 'good', rows: [{ name: 'x', v: 1 }] }]);
    const { s } = scheduler([hang, good]);
    const t0 = Date.now();
    await s.runAll();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.get('slow')!.success).toBe(false);
    expect(s.get('slow')!.lastError).toMatch(/timed out after 50 ms/);
    expect(s.get('good')!.success).toBe(true);
    // While the first run still hangs, a new run is not stacked on it.
    await s.runNow('slow');
    expect(s.get('slow')!.lastError).toBe('previous run has not finished');
    expect(s.get('slow')!.errorsTotal).toBe(2);
    hung = false;
    release();
    await new Promise((r) => setTimeout(r, 10));
    await s.runNow('slow');
    expect(s.get('slow')!.success).toBe(true);
  });

  it('keeps the last good result when a later refresh fails', async () => {
    let fail = false;
    const c = spec('good', async () => {
      if (fail) throw new Error('boom');
      return [{ name: 'good', rows: [{ name: 'x', v: 3 }] }];
    });
    const { s } = scheduler([c]);
    await s.runAll();
    fail = true;
    await s.runAll();
    expect(text(s)).toContain('t_ok 3');
    expect(text(s)).toContain('hostbaseline_collector_success{collector="good"} 0');
  });

  it('caps per-item families and counts what was dropped', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    const c = spec('items', async () => [{ name: 'items', rows }]);
    const { s } = scheduler([c]);
    await s.runAll();
    const out = text(s);
    expect(out.match(/^t_item_info/gm)).toHaveLength(3);
    expect(out).toContain('hostbaseline_series_dropped_total{collector="items"} 2');
    await s.runAll();
    expect(text(s)).toContain('hostbaseline_series_dropped_total{collector="items"} 4');
  });

  it('the configured max_series overrides the catalog cap', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    const { s } = scheduler([spec('items', async () => [{ name: 'items', rows }])], 5);
    await s.runAll();
    expect(text(s).match(/^t_item_info/gm)).toHaveLength(5);
  });

  it('cuts a table to the row limit, counts what a collector capped itself, and logs both', async () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ name: `n${String(i).padStart(2, '0')}` }));
    const c = spec('items', async () => [{ name: 'items', rows }]);
    const own = defineCollector({
      ...spec('good', async () => []),
      tables: [{ name: 'good', key: ['name'], description: 'bounded by its own option', boundedBy: 'max_files' }],
      collect: async (ctx) => {
        ctx.capped('/etc/passwd', 10, 25);
        ctx.capped('/etc/passwd', 10, 25); // logged once per refresh, counted each time
        return [{ name: 'good', rows }];
      },
    });
    const { s, log } = scheduler([c, own], 100, { rows: 10 });
    await s.runAll();
    expect(s.get('items')!.tables![0]!.rows.map((r) => r.name)).toEqual(rows.slice(0, 10).map((r) => r.name));
    expect(s.get('good')!.tables![0]!.rows).toHaveLength(15);
    const out = text(s);
    expect(out).toContain('hostbaseline_rows_capped_total{collector="items"} 5');
    expect(out).toContain('hostbaseline_rows_capped_total{collector="good"} 30');
    expect(log.lines.filter((l) => l.includes('capped: items left out by a limit'))).toHaveLength(1);
    expect(log.lines.join('\n')).toMatch(/capped: table rows left out by a limit.*table=items kept=10 total=15/);
  });

  it('rejects a table the collector did not declare', async () => {
    const { s } = scheduler([spec('good', async () => [{ name: 'other', rows: [] }])]);
    await s.runAll();
    expect(s.get('good')!.lastError).toContain('undeclared table "other"');
  });

  it('sorts rows by key so output does not depend on listing order', async () => {
    const { s } = scheduler([spec('items', async () => [{ name: 'items', rows: [{ name: 'b' }, { name: 'a' }] }])]);
    await s.runAll();
    expect(s.get('items')!.tables![0]!.rows.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('is ready only after every collector ran once', async () => {
    const { s } = scheduler([spec('good', async () => [{ name: 'good', rows: [] }])]);
    expect(s.ready()).toBe(false);
    await s.runAll();
    expect(s.ready()).toBe(true);
  });

  it('limits concurrency', async () => {
    let active = 0;
    let peak = 0;
    const specs = Array.from({ length: 8 }, (_, i) =>
      spec(`c${i}`, async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return [];
      }),
    );
    const { s } = scheduler(specs);
    await s.runAll();
    expect(peak).toBe(4);
  });
});
