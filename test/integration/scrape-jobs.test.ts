import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';
import { hasProgram } from '../support/programs.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

/** The README's fast and slow scrape jobs, as written there. */
function readmeScrapeConfigs(): any[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const from = readme.indexOf('Without the operator, the same two jobs:');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(from))![1]!;
  return parse(block).scrape_configs;
}

// The fast and slow jobs of the README and the chart, scraped by a real Prometheus.
describe.runIf(hasProgram('prometheus'))('the fast and the slow (inventory) scrape jobs', () => {
  let exporter: RunningExporter;
  let prom: RunningPrometheus;
  const jobs = readmeScrapeConfigs();

  beforeAll(async () => {
    exporter = await startExporter(['--path.rootfs=' + path.join(REPO, 'test', 'fixtures', 'host-a')]);
    // Same jobs, short intervals so the test does not wait minutes.
    prom = await startPrometheus(
      [],
      [],
      jobs.map((j) => ({ ...j, scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: [exporter.address] }] })),
    );
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
  });

  it('lists the same inventory collectors as the chart, excluded by one job and collected by the other', () => {
    const values = parse(readFileSync(path.join(REPO, 'helm', 'hostbaseline', 'values.yaml'), 'utf8'));
    const inventory = values.prometheus.monitor.inventory.collectors;
    expect(jobs.map((j) => j.job_name)).toEqual(['hostbaseline', 'hostbaseline-inventory']);
    expect(jobs[0].params['exclude[]']).toEqual(inventory);
    expect(jobs[1].params['collect[]']).toEqual(inventory);
  });

  it('stores inventory series once, from the slow job, and the rest once, from the fast job, under one job name', async () => {
    await waitFor('both jobs scraped', async () => (await prom.query('up == 1')).length === 2, 30_000, 500);
    const up = await prom.query('up');
    expect(up.map((r) => r.metric.job).sort()).toEqual(['hostbaseline', 'hostbaseline']);
    expect(up.map((r) => r.metric.scrape ?? '').sort()).toEqual(['', 'inventory']);
    await waitFor('series of both jobs', async () => (await prom.query('count(hostbaseline_package_info) and count(hostbaseline_processes)')).length === 1, 30_000, 500);
    const packages = await prom.query('count by (job, scrape) (hostbaseline_package_info)');
    expect(packages.map((r) => r.metric)).toEqual([{ job: 'hostbaseline', scrape: 'inventory' }]);
    const processes = await prom.query('count by (job, scrape) (hostbaseline_processes)');
    expect(processes.map((r) => r.metric)).toEqual([{ job: 'hostbaseline' }]);
    // Each collector's health comes from the job that collects it: no duplicate series.
    const health = await prom.query('count by (collector) (hostbaseline_collector_success) > 1');
    expect(health).toEqual([]);
    const deb = await prom.query('hostbaseline_collector_success{collector="deb"}');
    expect(deb.map((r) => r.metric.scrape)).toEqual(['inventory']);
  }, 90_000);
});
