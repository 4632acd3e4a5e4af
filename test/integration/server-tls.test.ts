import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server/app.js';
import { parseWebConfig } from '../../src/server/web-config.js';
import { REPO, tempDir } from '../helpers.js';
import { hasProgram } from '../support/programs.js';

// Certificates made with openssl at test time: a CA, a server and a client certificate it
// signed, and a rogue self-signed client certificate.
let dir: string;
const file = (n: string) => path.join(dir, n);
function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

beforeAll(() => {
  hasProgram('openssl');
  dir = tempDir('hb-tls-');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=hostbaseline test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ]) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`]);
    openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(ext!)]);
  }
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('rogue.key'), '-out', file('rogue.crt'), '-days', '2', '-subj', '/CN=client', '-addext', 'extendedKeyUsage=clientAuth']);
}, 60_000);

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(tlsYaml: string): Promise<string> {
  const config = file('web.yml');
  writeFileSync(config, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${tlsYaml}`);
  server = await listen((_req, res) => res.end('ok'), '127.0.0.1:0', parseWebConfig(config, readFileSync(config, 'utf8')));
  return server.address;
}

interface Outcome {
  ok: boolean;
  protocol?: string | null;
  cipher?: string;
  group?: string;
  error?: string;
}

/** A real TLS handshake and one HTTP request. */
function handshake(address: string, opts: tls.ConnectionOptions = {}): Promise<Outcome> {
  const port = Number(address.split(':')[1]);
  return new Promise((resolve) => {
    let reply = '';
    let info: Omit<Outcome, 'ok'> = {};
    const s = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(file('ca.crt')), ...opts }, () => {
      info = { protocol: s.getProtocol(), cipher: s.getCipher().name, group: (s.getEphemeralKeyInfo() as { name?: string } | null)?.name };
      s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    s.on('data', (b) => (reply += b.toString()));
    s.on('error', (e) => resolve({ ok: false, error: e.message }));
    s.on('close', () => resolve(reply.startsWith('HTTP/1.1 200') ? { ok: true, ...info } : { ok: false, error: `closed after: ${JSON.stringify(reply)}` }));
  });
}

const clients = {
  none: {},
  'CA-signed': () => ({ cert: readFileSync(file('client.crt')), key: readFileSync(file('client.key')) }),
  rogue: () => ({ cert: readFileSync(file('rogue.crt')), key: readFileSync(file('rogue.key')) }),
} as const;

// Go crypto/tls semantics of exporter-toolkit's client_auth_type.
const EXPECTED: Record<string, Record<keyof typeof clients, boolean>> = {
  NoClientCert: { none: true, 'CA-signed': true, rogue: true },
  RequestClientCert: { none: true, 'CA-signed': true, rogue: true },
  RequireAnyClientCert: { none: false, 'CA-signed': true, rogue: true },
  VerifyClientCertIfGiven: { none: true, 'CA-signed': true, rogue: false },
  RequireAndVerifyClientCert: { none: false, 'CA-signed': true, rogue: false },
};

describe.runIf(hasProgram('openssl'))('TLS as exporter-toolkit defines it', () => {
  for (const [mode, expected] of Object.entries(EXPECTED)) {
    it(`client_auth_type ${mode}: no certificate, a CA-signed one, a rogue self-signed one`, async () => {
      const address = await serve(`  client_ca_file: ca.crt\n  client_auth_type: ${mode}\n`);
      for (const [name, make] of Object.entries(clients)) {
        const outcome = await handshake(address, typeof make === 'function' ? make() : {});
        expect(outcome.ok, `${mode} with ${name}: ${outcome.error ?? 'accepted'}`).toBe(expected[name as keyof typeof clients]);
      }
    });
  }

  it('min_version and max_version bound the protocol', async () => {
    let address = await serve('  min_version: TLS13\n');
    expect((await handshake(address)).protocol).toBe('TLSv1.3');
    expect((await handshake(address, { maxVersion: 'TLSv1.2' })).ok).toBe(false);
    await server!.close();
    address = await serve('  max_version: TLS12\n');
    expect((await handshake(address)).protocol).toBe('TLSv1.2');
    expect((await handshake(address, { minVersion: 'TLSv1.3' })).ok).toBe(false);
    await server!.close();
    // The default minimum is TLS 1.2, as in exporter-toolkit.
    address = await serve('');
    expect((await handshake(address, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).ok).toBe(false);
  });

  it('cipher_suites restrict TLS 1.2 suites, and prefer_server_cipher_suites picks whose order wins', async () => {
    let address = await serve('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n');
    expect((await handshake(address)).cipher).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect((await handshake(address, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' })).ok).toBe(false);
    await server!.close();
    const suites = '  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n';
    const clientOrder = { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' };
    address = await serve(suites + '  prefer_server_cipher_suites: true\n');
    expect((await handshake(address, clientOrder)).cipher).toBe('ECDHE-RSA-AES256-GCM-SHA384');
    await server!.close();
    address = await serve(suites + '  prefer_server_cipher_suites: false\n');
    expect((await handshake(address, clientOrder)).cipher).toBe('ECDHE-RSA-AES128-GCM-SHA256');
  });

  it('curve_preferences restrict the key exchange groups', async () => {
    for (const version of ['TLS12', 'TLS13']) {
      // In TLS 1.2 only ECDHE suites, or a client without a common group falls back to RSA key exchange.
      const suites = version === 'TLS12' ? '  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n' : '';
      const address = await serve(`  min_version: ${version}\n  max_version: ${version}\n  curve_preferences: [CurveP384]\n${suites}`);
      expect((await handshake(address)).group, version).toMatch(/^(secp|prime)384r1$|^P-384$/);
      expect((await handshake(address, { ecdhCurve: 'X25519' })).ok, version).toBe(false);
      await server!.close();
      server = null;
    }
  });

  it.runIf(hasProgram('promtool'))('promtool check web-config accepts the example in docs/, and so do we', () => {
    const example = file('web-config.yml');
    copyFileSync(path.join(REPO, 'docs', 'web-config.example.yml'), example);
    const r = spawnSync('promtool', ['check', 'web-config', example]);
    expect(r.status, r.stdout.toString() + r.stderr.toString()).toBe(0);
    const parsed = parseWebConfig(example, readFileSync(example, 'utf8'));
    expect(parsed.tls?.clientAuthType).toBe('RequireAndVerifyClientCert');
    expect(parsed.tls?.cipherSuites).toHaveLength(3);
  });
});
