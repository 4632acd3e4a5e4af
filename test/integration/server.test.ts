import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, tempDir } from '../helpers.js';
import { startExporter, waitFor, type RunningExporter } from '../support/exporter.js';
import { hasProgram } from '../support/programs.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, opts: https.RequestOptions = {}, timeoutMs = 5000): Promise<Reply> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers, ...opts }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
  });
}

describe('HTTP server', () => {
  let exp: RunningExporter;
  beforeAll(async () => {
    exp = await startExporter([`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`, '--collector.disable-defaults', '--collector.os_release']);
    await waitFor('readiness', async () => (await get(`${exp.url}/readyz`)).status === 200);
  });
  afterAll(async () => {
    expect(await exp.stop()).toBe(0);
  });

  it('serves /metrics in the text format', async () => {
    const r = await get(`${exp.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = r.body.toString();
    expect(text).toContain('hostbaseline_os_info{id="debian"');
    expect(text).toContain('hostbaseline_collector_success{collector="os_release"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('compresses with gzip when asked', async () => {
    const r = await get(`${exp.url}/metrics`, { 'Accept-Encoding': 'gzip' });
    expect(r.headers['content-encoding']).toBe('gzip');
    const text = gunzipSync(r.body).toString();
    expect(text).toContain('hostbaseline_os_info{');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('filters with collect[] and exclude[], and rejects unknown names', async () => {
    const only = (await get(`${exp.url}/metrics?collect[]=os_release`)).body.toString();
    expect(only).toContain('hostbaseline_os_info');
    const none = (await get(`${exp.url}/metrics?exclude[]=os_release`)).body.toString();
    expect(none).not.toContain('hostbaseline_os_info');
    expect(none).not.toContain('collector="os_release"');
    const bad = await get(`${exp.url}/metrics?collect[]=nosuch`);
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toContain('nosuch');
  });

  it('has /healthz, /readyz and a landing page listing collectors', async () => {
    expect((await get(`${exp.url}/healthz`)).status).toBe(200);
    expect((await get(`${exp.url}/readyz`)).body.toString()).toBe('ready\n');
    const page = (await get(`${exp.url}/`)).body.toString();
    expect(page).toContain('os_release');
    expect(page).toContain('href="/metrics?collect[]=os_release"');
    expect(page).toMatch(/class="ok">ok</);
  });

  it('promtool check metrics finds no problems in the exposition', async (ctx) => {
    if (!hasProgram('promtool')) return ctx.skip('promtool is not installed');
    const body = (await get(`${exp.url}/metrics`)).body;
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body });
    expect(r.stdout.toString() + r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });
});

const auth = (user: string, pass: string) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') });

describe('web config (exporter-toolkit format)', () => {
  let dir: string;
  let webConfig: string;
  let exp: RunningExporter;
  beforeAll(async () => {
    dir = tempDir('hb-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    webConfig = path.join(dir, 'web.yaml');
    const hash = bcrypt.hashSync('s3cret', 10);
    writeFileSync(webConfig, `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: ${hash}\n`);
    exp = await startExporter([`--web.config.file=${webConfig}`, `--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`, '--collector.disable-defaults', '--collector.os_release'], { scheme: 'https' });
    await waitFor('readiness', async () => (await get(`${exp.url}/readyz`, auth('prometheus', 's3cret'), { rejectUnauthorized: false })).status === 200);
  });
  afterAll(async () => {
    await exp.stop();
  });

  it('promtool check web-config accepts the file', (ctx) => {
    if (!hasProgram('promtool')) return ctx.skip('promtool is not installed');
    const r = spawnSync('promtool', ['check', 'web-config', webConfig]);
    expect(r.status, r.stdout.toString() + r.stderr.toString()).toBe(0);
  });

  it('serves over TLS with the right password', async () => {
    const r = await get(`${exp.url}/metrics`, auth('prometheus', 's3cret'), { rejectUnauthorized: false });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('hostbaseline_os_info');
  });

  it('answers 401 to a wrong password, an unknown user and no credentials', async () => {
    for (const headers of [auth('prometheus', 'wrong'), auth('nobody', 's3cret'), {}]) {
      const r = await get(`${exp.url}/metrics`, headers, { rejectUnauthorized: false });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic');
    }
  });

  it('keeps serving the right password while 60 clients send wrong ones, answering the surplus 503 at once', async () => {
    const tlsOpts = { rejectUnauthorized: false };
    // Remembered after one success: no bcrypt on the scrape path.
    expect((await get(`${exp.url}/metrics`, auth('prometheus', 's3cret'), tlsOpts)).status).toBe(200);
    const wrong = Array.from({ length: 60 }, (_, i) => get(`${exp.url}/metrics`, auth(i % 2 ? 'prometheus' : `nobody${i}`, `guess${i}`), tlsOpts, 60_000));
    const during = await get(`${exp.url}/metrics`, auth('prometheus', 's3cret'), tlsOpts, 30_000);
    const health = await get(`${exp.url}/healthz`, auth('prometheus', 's3cret'), tlsOpts, 30_000);
    expect(during.status).toBe(200);
    expect(health.status).toBe(200);
    const statuses = (await Promise.all(wrong)).map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
  }, 120_000);

  it('plain HTTP to the TLS listener fails', async () => {
    const plain = exp.url.replace('https:', 'http:');
    const outcome = await get(`${plain}/metrics`, auth('prometheus', 's3cret')).then(
      (r) => `status ${r.status}`,
      (e: Error) => `error ${e.message}`,
    );
    expect(outcome).not.toBe('status 200');
  });

  it('an invalid web config exits non-zero naming the problem', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'tls_server_config:\n  cert_file: cert.pem\n');
    await expect(startExporter([`--web.config.file=${bad}`, `--path.rootfs=${fixturePath('host-a')}`])).rejects.toThrow(/needs both cert_file and key_file/);
  });
});

describe('shutdown', () => {
  it('exits 0 promptly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const exp = await startExporter([`--path.rootfs=${fixturePath('host-a')}`, `--path.state=${tempDir()}`, '--collector.disable-defaults', '--collector.os_release']);
      const t0 = Date.now();
      expect(await exp.stop(signal)).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(exp.logs()).toContain(`signal=${signal}`);
    }
  });
});
