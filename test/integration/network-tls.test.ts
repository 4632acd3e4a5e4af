import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsCerts } from '../../src/collectors/network/tls-certs.js';
import { systemClock } from '../../src/util/clock.js';
import { collectOnce, tempDir } from '../helpers.js';

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}
if (!openssl && process.env.CI === 'true') throw new Error('openssl is required for the TLS certificate tests in CI');

describe.skipIf(!openssl)('tls_certs against a local TLS server', () => {
  const dir = tempDir('hb-tls-');
  let server: tls.Server;
  let port = 0;
  beforeAll(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-subj', '/CN=localhost.test/O=hostbaseline', '-days', '30',
    ], { stdio: 'ignore' });
    server = tls.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the peer certificate of an endpoint and of the same file', async () => {
    const expected = execFileSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-enddate', '-serial'], { encoding: 'utf8' });
    const notAfter = Math.floor(Date.parse(/notAfter=(.*)/.exec(expected)![1]!) / 1000);
    const serial = /serial=(\w+)/.exec(expected)![1]!.toLowerCase();
    const { state, tables, samples } = await collectOnce(tlsCerts, '/', {
      clock: systemClock,
      options: { endpoints: [`127.0.0.1:${port}`, '127.0.0.1:1'], paths: [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')], connect_timeout: 3000 },
    });
    expect(state.success, state.lastError ?? '').toBe(true);
    const rows = tables.tls_certificates!;
    expect(rows).toHaveLength(2); // the key file holds no certificate and is not reported
    for (const r of rows) expect(r).toMatchObject({ subject: 'CN=localhost.test, O=hostbaseline', not_after: notAfter, serial, self_signed: true });
    expect(Number(rows[0]!.days_left)).toBeGreaterThanOrEqual(29);
    expect(tables.tls_endpoints).toEqual([
      { endpoint: '127.0.0.1:1', up: false, error: expect.stringMatching(/ECONNREFUSED/) },
      { endpoint: `127.0.0.1:${port}`, up: true, error: '' },
    ]);
    expect(samples).toContain(`hostbaseline_tls_endpoint_up{endpoint="127.0.0.1:${port}"} 1`);
    expect(JSON.stringify(tables)).not.toContain('PRIVATE KEY');
  });

});
