import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, tempDir } from '../helpers.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';
import { hasProgram } from '../support/programs.js';
import { startPrometheus, waitForTargetsUp } from '../support/prometheus.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}

/** Writes raw bytes on a fresh connection; resolves with what came back and when the server closed it. */
function raw(address: string, bytes: string, holdMs = 5000): Promise<{ reply: string; closedAfterMs: number | null }> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host, port }, () => s.write(bytes));
    let reply = '';
    s.on('data', (b) => (reply += b.toString()));
    s.on('error', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ reply, closedAfterMs: null });
    }, holdMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, closedAfterMs: Date.now() - t0 });
    });
  });
}

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
}

// The Accept headers Prometheus sends by default (2.x; 3.x scrape_protocols).
const PROMETHEUS_2_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROMETHEUS_3_ACCEPT =
  'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

describe('HTTP server against hostile clients (fixture host, every default collector)', () => {
  let exp: RunningExporter;
  let names: string[];
  beforeAll(async () => {
    exp = await startExporter([
      `--path.rootfs=${fixturePath('host-a')}`,
      `--path.state=${tempDir()}`,
      '--web.max-connections=64',
      '--web.read-header-timeout=1s',
      '--web.request-timeout=2s',
    ]);
    await waitFor('readiness', async () => (await get(`${exp.url}/readyz`)).status === 200, 60_000);
    names = [...(await get(`${exp.url}/metrics`)).body.toString().matchAll(/^hostbaseline_collector_success\{collector="([^"]+)"\}/gm)].map((m) => m[1]!);
  }, 90_000);
  afterAll(async () => {
    expect(await exp.stop()).toBe(0);
  });

  it('answers 405 to other methods and 413 to a body, closing the connection without reading it', async () => {
    const post = await raw(exp.address, 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n');
    expect(post.reply).toMatch(/^HTTP\/1\.1 405 /);
    expect(post.reply).toMatch(/\r\nAllow: GET, HEAD\r\n/i);
    expect(post.closedAfterMs).not.toBeNull();
    const body = await raw(exp.address, 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n');
    expect(body.reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(body.closedAfterMs).not.toBeNull();
    const chunked = await raw(exp.address, 'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(chunked.reply).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('closes a client that does not finish its headers within the header timeout', async () => {
    const slow = await raw(exp.address, 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ', 8000);
    expect(slow.closedAfterMs).not.toBeNull();
    expect(slow.closedAfterMs!).toBeLessThan(5000);
  });

  it('survives a flood of held connections beyond its cap, with bounded memory, and serves afterwards', async () => {
    const pid = exp.child.pid!;
    const before = rssBytes(pid);
    const [host, port] = [exp.address.slice(0, exp.address.lastIndexOf(':')), Number(exp.address.slice(exp.address.lastIndexOf(':') + 1))];
    const sockets: net.Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < 2000; i++) {
      const s = net.connect({ host, port });
      s.on('error', () => {});
      s.on('close', () => closedByServer++);
      // Read what the server answers, or its end of the connection is never seen.
      s.resume();
      s.write(i % 2 ? 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n' : 'GET /metrics HTTP/1.1\r\nHost: x\r\n');
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(exp.child.exitCode).toBeNull();
    const peak = rssBytes(pid);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    // Within the header timeout (1 s, checked every second) every flood connection is gone.
    await waitFor('the flood to be closed by the server', async () => closedByServer === sockets.length, 10_000);
    const after = await get(`${exp.url}/metrics`);
    expect(after.status).toBe(200);
    for (const s of sockets) s.destroy();
  });

  it('applies collect[] and exclude[] with any number of names', async () => {
    expect(names.length).toBeGreaterThan(40);
    const pick = names.slice(0, 30);
    const q = (key: string, list: string[]) => list.map((n) => `${key}=${encodeURIComponent(n)}`).join('&');
    const only = (await get(`${exp.url}/metrics?${q('collect[]', pick)}`)).body.toString();
    const served = [...only.matchAll(/^hostbaseline_collector_success\{collector="([^"]+)"\}/gm)].map((m) => m[1]);
    expect(served.sort()).toEqual([...pick].sort());
    const rest = (await get(`${exp.url}/metrics?${q('exclude[]', pick)}`)).body.toString();
    const left = [...rest.matchAll(/^hostbaseline_collector_success\{collector="([^"]+)"\}/gm)].map((m) => m[1]);
    expect(left.sort()).toEqual(names.filter((n) => !pick.includes(n)).sort());
    for (const bad of ['collect[]=nosuch', 'collect[0]=os_release', 'collect[]=', 'collect[]=os_release&exclude[]=deb']) {
      const r = await get(`${exp.url}/metrics?${bad}`);
      expect(r.status, bad).toBe(400);
    }
  });

  it('a filtered body is the full body restricted to the selection, in gzip too', async () => {
    const full = (await get(`${exp.url}/metrics`)).body.toString();
    // Live process metrics, and the exporter-wide totals (sums over the selected collectors), differ by nature.
    const sampleLines = (t: string) =>
      t.split('\n').filter((l) => l && !l.startsWith('#') && !/^(process_|nodejs_|hostbaseline_build_info|hostbaseline_series_dropped_total |hostbaseline_parse_errors_total )/.test(l));
    const one = (await get(`${exp.url}/metrics?collect[]=deb&collect[]=apt_sources`, { 'Accept-Encoding': 'gzip' })).body;
    const text = gunzipSync(one).toString();
    expect(text).toContain('hostbaseline_package_info{');
    expect(text).toContain('hostbaseline_package_source_info{');
    const fullLines = new Set(sampleLines(full).filter((l) => !l.startsWith('hostbaseline_collector_duration_seconds')));
    for (const l of sampleLines(text)) if (!l.startsWith('hostbaseline_collector_duration_seconds')) expect(fullLines.has(l), l).toBe(true);
    if (hasProgram('promtool')) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text });
      expect(r.stdout.toString() + r.stderr.toString()).not.toMatch(/error|duplicate|parse/i);
    }
  });

  it('negotiates OpenMetrics with the Accept headers of Prometheus 2 and 3, text otherwise', async () => {
    for (const accept of [PROMETHEUS_2_ACCEPT, PROMETHEUS_3_ACCEPT]) {
      const r = await get(`${exp.url}/metrics`, { Accept: accept, 'Accept-Encoding': 'gzip' });
      expect(r.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      const text = gunzipSync(r.body).toString();
      expect(text.endsWith('\n# EOF\n')).toBe(true);
      expect(text).toContain('# TYPE process_cpu_seconds counter\n# UNIT process_cpu_seconds seconds\n');
      expect(text).toMatch(/^process_cpu_seconds_created \d+$/m);
      expect(text).toMatch(/^hostbaseline_parse_errors_created \d+$/m);
      expect(text).toContain('# UNIT hostbaseline_collector_duration_seconds seconds\n');
    }
    const classic = await get(`${exp.url}/metrics`, { Accept: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1' });
    expect(classic.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(classic.body.toString()).not.toContain('# EOF');
  });

  it.runIf(hasProgram('python3'))('python3-prometheus-client parses the whole exposition in both formats', async () => {
    const om = (await get(`${exp.url}/metrics`, { Accept: PROMETHEUS_3_ACCEPT })).body.toString();
    const text = (await get(`${exp.url}/metrics`)).body.toString();
    const script = `
import sys, json
from prometheus_client.parser import text_string_to_metric_families as classic
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
data = json.load(sys.stdin)
out = {}
for kind, parse in (('text', classic), ('om', om)):
    fams = list(parse(data[kind]))
    out[kind] = {'families': len(fams), 'samples': sum(len(f.samples) for f in fams), 'units': {f.name: f.unit for f in fams if getattr(f, 'unit', '')}}
print(json.dumps(out))
`;
    // Debian's module lives with Debian's interpreter.
    const python = hasProgram('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const r = spawnSync(python, ['-c', script], { input: JSON.stringify({ text, om }) });
    expect(r.status, r.stderr.toString()).toBe(0);
    const parsed = JSON.parse(r.stdout.toString()) as Record<string, { families: number; samples: number; units: Record<string, string> }>;
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    expect(parsed.text!.samples).toBe(samples);
    expect(parsed.om!.families).toBe(parsed.text!.families);
    expect(parsed.om!.samples).toBeGreaterThanOrEqual(samples);
    expect(parsed.om!.units.process_cpu_seconds).toBe('seconds');
  });

  it.runIf(hasProgram('prometheus'))('a real Prometheus scrapes the OpenMetrics exposition', async () => {
    const prom = await startPrometheus([{ job: 'om', address: exp.address }]);
    try {
      await waitForTargetsUp(prom, 1);
      // _created samples exist only in the OpenMetrics body: Prometheus took that format.
      const created = await prom.query('process_cpu_seconds_created');
      const success = await prom.query('hostbaseline_collector_success');
      expect(success.length).toBe(names.length);
      expect(created).toHaveLength(1);
      const samples = await prom.query('scrape_samples_scraped');
      expect(Number(samples[0]!.value[1])).toBeGreaterThan(1000);
    } finally {
      await prom.stop();
    }
  }, 60_000);
});

describe('exposure warning', () => {
  it('is logged once when listening on every interface without TLS or auth, and not on loopback', async () => {
    const open = await startExporter([`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`, '--collector.disable-defaults', '--collector.os_release', '--web.listen-address=0.0.0.0:0']);
    const local = await startExporter([`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`, '--collector.disable-defaults', '--collector.os_release']);
    try {
      expect(open.logs().match(/listening beyond loopback without TLS or authentication/g)).toHaveLength(1);
      expect(open.logs()).toContain('sudo rules');
      expect(local.logs()).not.toContain('listening beyond loopback');
    } finally {
      await open.stop();
      await local.stop();
    }
  });
});
