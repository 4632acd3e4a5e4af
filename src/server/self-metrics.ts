import { readdirSync, readFileSync } from 'node:fs';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Catalog } from '../metrics/catalog.js';
import { sampleLine } from '../metrics/exposition.js';
import { familyHeader, withCreated, type ExpositionFormat } from '../metrics/formats.js';
import { VERSION } from '../version.js';

/** When this process started, in Unix seconds: the start of every counter it keeps itself. */
export const PROCESS_START_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/**
 * The exporter's own process metrics (like node_exporter's process_* series).
 * These read this process's own /proc/self, never the host root.
 */
export function createSelfRegistry(): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'hostbaseline_build_info',
    help: 'Build information of the exporter (value 1).',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  }).set({ version: VERSION, nodejs_version: process.versions.node }, 1);
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    registers: [registry],
  }).set(PROCESS_START_SECONDS);
  let cpuSeen = 0;
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers: [registry],
    collect() {
      const u = process.cpuUsage();
      const total = (u.user + u.system) / 1e6;
      this.inc(Math.max(0, total - cpuSeen));
      cpuSeen = total;
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [registry],
    collect() {
      try {
        this.set(readdirSync('/proc/self/fd').length);
      } catch {
        // not Linux: leave the last value
      }
    },
  });
  new Gauge({
    name: 'process_max_fds',
    help: 'Maximum number of open file descriptors.',
    registers: [registry],
    collect() {
      try {
        const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
        if (m) this.set(Number(m[1]));
      } catch {
        // not Linux
      }
    },
  });
  new Gauge({
    name: 'nodejs_heap_used_bytes',
    help: 'V8 heap in use, in bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  return registry;
}

/**
 * Renders the live registry in either format. HELP and TYPE come from prom-client, the
 * unit from the catalog; counters get `_created` (process start) in OpenMetrics.
 */
export async function renderLive(registry: Registry, catalog: Catalog, format: ExpositionFormat): Promise<string> {
  let out = '';
  for (const m of await registry.getMetricsAsJSON()) {
    const type = String(m.type) === 'counter' ? 'counter' : 'gauge';
    let samples = '';
    for (const v of m.values) {
      const labels = Object.entries(v.labels).map(([k, x]): [string, string] => [k, String(x)]);
      samples += sampleLine((v as { metricName?: string }).metricName ?? m.name, labels, v.value);
    }
    if (!samples) continue;
    const unit = catalog.byName.get(m.name)?.unit ?? '';
    out += familyHeader(format, { name: m.name, type, help: m.help, unit });
    out += format === 'openmetrics' && type === 'counter' ? withCreated(m.name, samples, PROCESS_START_SECONDS) : samples;
  }
  return out;
}
