import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, tempDir } from '../helpers.js';
import { startExporter, SUID_PATHS_BUT_TMP, waitFor, type RunningExporter } from '../support/exporter.js';
import { hasProgram } from '../support/programs.js';
import { startPrometheus, waitForTargetsUp, type RunningPrometheus } from '../support/prometheus.js';

// A real Prometheus scrapes the exporter twice: once on this machine's root, once on the fixture host.
describe.runIf(hasProgram('prometheus'))('scraped by a real Prometheus', () => {
  let local: RunningExporter;
  let fixture: RunningExporter;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    // The SUID walk leaves out /tmp: it holds this test run's own trees (debootstrap roots, engine data), not the host's.
    local = await startExporter([`--path.state=${tempDir()}`, ...SUID_PATHS_BUT_TMP]);
    fixture = await startExporter([`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`]);
    for (const e of [local, fixture]) await waitFor('readiness', async () => (await fetch(`${e.url}/readyz`)).ok, 120_000);
    prom = await startPrometheus([
      { job: 'local', address: local.address },
      { job: 'fixture', address: fixture.address },
    ]);
    await waitForTargetsUp(prom, 2);
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await local?.stop();
    await fixture?.stop();
  });

  it('stores hostbaseline_os_info for both hosts', async () => {
    const rows = await prom.query('hostbaseline_os_info');
    const byJob = Object.fromEntries(rows.map((r) => [r.metric.job, r.metric]));
    expect(byJob.fixture).toMatchObject({ id: 'debian', version_id: '12', pretty_name: 'Debian GNU/Linux 12 (bookworm)' });
    expect(byJob.local?.id).toBeTruthy();
  });

  it('every collector reports success on the fixture host', async () => {
    const rows = await prom.query('hostbaseline_collector_success{job="fixture"}');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.value[1] !== '1').map((r) => r.metric.collector)).toEqual([]);
  });

  it('collector health is queryable for the local host', async () => {
    const rows = await prom.query('hostbaseline_collector_success{job="local"}');
    expect(rows.length).toBeGreaterThan(0);
    const failing = rows.filter((r) => r.value[1] !== '1').map((r) => r.metric.collector);
    expect(failing, local.logs()).toEqual([]);
  });

  it('the scrape has no sample errors', async () => {
    const rows = await prom.query('scrape_samples_post_metric_relabeling');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(Number(r.value[1])).toBeGreaterThan(10);
  });
});
