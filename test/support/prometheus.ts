import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tempDir } from '../helpers.js';
import { waitFor } from './exporter.js';
import { trackProcess } from './cleanup.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ScrapeTarget {
  job: string;
  address: string;
}

export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
  query(expr: string): Promise<PromResult[]>;
  /** The raw API answer, to see parse errors. */
  queryRaw(expr: string): Promise<{ status: string; error?: string; errorType?: string; data?: { result: PromResult[] } }>;
  stop(): Promise<void>;
}

export interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * Starts Debian's prometheus on a loopback port, scraping the given targets every second;
 * scrapeConfigs are further jobs given whole (each rendered as one JSON line, which YAML reads).
 */
export async function startPrometheus(targets: ScrapeTarget[], ruleFiles: string[] = [], scrapeConfigs: object[] = []): Promise<RunningPrometheus> {
  const dir = tempDir('hb-prom-');
  const port = await freePort();
  const jobs = [
    ...targets.map((t) => `  - job_name: ${JSON.stringify(t.job)}\n    static_configs:\n      - targets: [${JSON.stringify(t.address)}]`),
    ...scrapeConfigs.map((c) => `  - ${JSON.stringify(c)}`),
  ].join('\n');
  const rules = ruleFiles.length ? `rule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n` : '';
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${rules}scrape_configs:\n${jobs}\n`);
  const child = trackProcess(spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ));
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(`prometheus to start\n${log}`, async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 200);
  const queryRaw = async (expr: string) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await r.json()) as { status: string; error?: string; data?: { result: PromResult[] } };
  };
  return {
    url,
    child,
    queryRaw,
    async query(expr) {
      const body = await queryRaw(expr);
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data!.result;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until every target of Prometheus is up (scraped at least once, successfully). */
export async function waitForTargetsUp(prom: RunningPrometheus, count: number): Promise<void> {
  await waitFor(
    'targets up',
    async () => {
      const r = await prom.query('up');
      return r.length === count && r.every((x) => x.value[1] === '1');
    },
    30_000,
    250,
  );
}
