import { crc32, gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { exposureWarning } from '../../../src/cli/serve.js';
import { familyHeader, negotiateFormat, withCreated } from '../../../src/metrics/formats.js';
import { basicAuthVerifier, bcryptCost } from '../../../src/server/basic-auth.js';
import { crc32Combine, deflateSegment, deflateSegmentSync, gzipJoin } from '../../../src/server/deflate-segments.js';
import { parseSelection } from '../../../src/server/selection.js';
import { parseWebConfig } from '../../../src/server/web-config.js';

const known = new Set(Array.from({ length: 40 }, (_, i) => `c${i}`));

describe('collect[] / exclude[] selection', () => {
  it('takes any number of names, as repeated keys', () => {
    const q = [...known].map((n) => `collect[]=${n}`).join('&');
    const r = parseSelection(q, known);
    expect(r).toEqual({ ok: true, filter: { collect: [...known], exclude: [] } });
    expect(parseSelection('exclude[]=c1&exclude=c2&foo=bar', known)).toEqual({ ok: true, filter: { collect: [], exclude: ['c1', 'c2'] } });
    expect(parseSelection('', known)).toEqual({ ok: true, filter: { collect: [], exclude: [] } });
    expect(parseSelection('collect%5B%5D=c3', known)).toEqual({ ok: true, filter: { collect: ['c3'], exclude: [] } });
  });

  it('refuses unknown names, nested shapes, empty names and both lists', () => {
    const err = (q: string) => {
      const r = parseSelection(q, known);
      return r.ok ? null : r.error;
    };
    expect(err('collect[]=c1&collect[]=nosuch')).toMatch(/unknown or disabled collector: "nosuch"/);
    expect(err('collect[0]=c1')).toMatch(/unsupported parameter "collect\[0\]"/);
    expect(err('exclude[a][b]=c1')).toMatch(/unsupported parameter/);
    expect(err('collect[]=')).toMatch(/needs a collector name/);
    expect(err('collect[]=c1&exclude[]=c2')).toMatch(/combined collect\[\] and exclude\[\]/);
    const many = Array.from({ length: 30 }, (_, i) => `collect[]=x${i}`).join('&');
    expect(err(many)).toMatch(/and 20 more/);
  });
});

describe('Accept negotiation', () => {
  // The Accept headers Prometheus sends with its default scrape_protocols.
  const PROM_2 = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
  // Prometheus 3: default scrape_protocols, with underscore and UTF-8 escaping, and the protobuf-first list.
  const PROM_3 = 'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
  const PROM_3_UTF8 = 'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
  const PROM_3_PROTO = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';
  const PROM_CLASSIC = 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
  it('serves OpenMetrics when Prometheus asks for it first, text otherwise', () => {
    expect(negotiateFormat(PROM_2)).toBe('openmetrics');
    expect(negotiateFormat(PROM_3)).toBe('openmetrics');
    expect(negotiateFormat(PROM_3_UTF8)).toBe('openmetrics');
    expect(negotiateFormat(PROM_3_PROTO)).toBe('openmetrics');
    expect(negotiateFormat(PROM_CLASSIC)).toBe('text');
    expect(negotiateFormat(undefined)).toBe('text');
    expect(negotiateFormat('*/*')).toBe('text');
    expect(negotiateFormat('text/plain;q=1,application/openmetrics-text;version=1.0.0;q=0.5')).toBe('text');
    expect(negotiateFormat('application/openmetrics-text;version=2.0.0')).toBe('text');
    expect(negotiateFormat('application/openmetrics-text;version=1.0.0;q=0')).toBe('text');
  });

  it('writes OpenMetrics headers with UNIT only where the name carries it, and _created', () => {
    expect(familyHeader('openmetrics', { name: 'a_seconds_total', type: 'counter', help: 'say "hi"', unit: 'seconds' })).toBe(
      '# TYPE a_seconds counter\n# UNIT a_seconds seconds\n# HELP a_seconds say \\"hi\\"\n',
    );
    expect(familyHeader('openmetrics', { name: 'b_info', type: 'gauge', help: 'h', unit: 'bytes' })).toBe('# TYPE b_info gauge\n# HELP b_info h\n');
    expect(familyHeader('text', { name: 'a_total', type: 'counter', help: 'h', unit: '' })).toBe('# HELP a_total h\n# TYPE a_total counter\n');
    expect(withCreated('x_total', 'x_total{a="1"} 3\nx_total 4\n', 100)).toBe('x_total{a="1"} 3\nx_created{a="1"} 100\nx_total 4\nx_created 100\n');
  });
});

describe('deflate segments', () => {
  it('join into one gzip member in any selection and order', async () => {
    const texts = ['a'.repeat(70_000) + 'é\n', '', 'hello\n', 'x y\n'.repeat(9000)];
    const segs = await Promise.all(texts.map((t) => deflateSegment(t)));
    const live = deflateSegmentSync('live 1\n');
    expect(gunzipSync(gzipJoin([...segs, live])).toString()).toBe(texts.join('') + 'live 1\n');
    expect(gunzipSync(gzipJoin([segs[3]!, segs[0]!])).toString()).toBe(texts[3]! + texts[0]!);
    expect(gunzipSync(gzipJoin([])).toString()).toBe('');
    expect(crc32Combine(crc32('abc'), crc32('defgh'), 5)).toBe(crc32('abcdefgh'));
  });
});

describe('web config', () => {
  const parse = (text: string) => parseWebConfig('/etc/hb/web.yml', text);
  it('reads every TLS setting of exporter-toolkit', () => {
    const c = parse(
      'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: ca.pem\n  client_auth_type: VerifyClientCertIfGiven\n  min_version: TLS12\n  max_version: TLS13\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n  curve_preferences: [X25519, CurveP256]\n  prefer_server_cipher_suites: false\n',
    );
    expect(c.tls).toMatchObject({
      certFile: '/etc/hb/c.pem',
      clientAuthType: 'VerifyClientCertIfGiven',
      minVersion: 'TLS12',
      maxVersion: 'TLS13',
      cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
      curvePreferences: ['X25519', 'CurveP256'],
      preferServerCipherSuites: false,
    });
  });
  it('names the bad setting', () => {
    const base = 'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n';
    expect(() => parse(base + '  max_version: TLS14\n')).toThrow(/max_version: unknown "TLS14"/);
    expect(() => parse(base + '  min_version: TLS13\n  max_version: TLS12\n')).toThrow(/above max_version/);
    expect(() => parse(base + '  cipher_suites: [RC4-SHA]\n')).toThrow(/cipher_suites: unknown "RC4-SHA"/);
    expect(() => parse(base + '  curve_preferences: [P-256]\n')).toThrow(/curve_preferences: unknown "P-256"/);
    expect(() => parse(base + '  client_auth_type: RequireAnyClientCerts\n')).toThrow(/client_auth_type: unknown/);
  });
});

describe('basic auth verifier', () => {
  const header = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
  it('accepts the right password, refuses the rest, and remembers successes', async () => {
    const verify = basicAuthVerifier(new Map([['prom', bcrypt.hashSync('s3cret', 4)]]), { idleMs: 100 });
    expect(await verify(header('prom', 's3cret'))).toBe('ok');
    // Remembered: answered at once, without a promise.
    expect(verify(header('prom', 's3cret'))).toBe('ok');
    expect(await verify(header('prom', 'wrong'))).toBe('denied');
    expect(await verify(header('nobody', 's3cret'))).toBe('denied');
    expect(verify(undefined)).toBe('denied');
    expect(verify('Basic !!!')).toBe('denied');
  });

  it('answers busy at once when its queue is full', async () => {
    const verify = basicAuthVerifier(new Map([['prom', bcrypt.hashSync('s3cret', 8)]]), { workers: 1, maxQueue: 2, idleMs: 100 });
    const answers = Array.from({ length: 10 }, () => verify(header('prom', 'wrong')));
    expect(answers.filter((a) => a === 'busy').length).toBeGreaterThanOrEqual(7);
    const settled = await Promise.all(answers);
    expect(settled.filter((a) => a === 'denied')).toHaveLength(10 - settled.filter((a) => a === 'busy').length);
  });

  it('reads the cost of a hash', () => {
    expect(bcryptCost(bcrypt.hashSync('x', 5))).toBe(5);
    expect(bcryptCost('$2y$12$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi')).toBe(12);
  });
});

describe('exposure warning', () => {
  const tls = { certFile: 'c', keyFile: 'k', clientCaFile: null, clientAuthType: 'NoClientCert' as const, minVersion: null, maxVersion: null, cipherSuites: [], curvePreferences: [], preferServerCipherSuites: true };
  it('warns beyond loopback without TLS or authentication', () => {
    expect(exposureWarning(':9855', null)).toMatch(/without TLS or authentication.*sudo rules/);
    expect(exposureWarning('0.0.0.0:9855', { tls, basicAuthUsers: new Map(), headers: {} })).toMatch(/without authentication/);
    expect(exposureWarning('[::]:9855', { tls: null, basicAuthUsers: new Map([['a', 'h']]), headers: {} })).toMatch(/without TLS/);
    expect(exposureWarning('10.0.0.5:9855', { tls, basicAuthUsers: new Map([['a', 'h']]), headers: {} })).toBeNull();
    expect(exposureWarning('127.0.0.1:9855', null)).toBeNull();
    expect(exposureWarning('[::1]:9855', null)).toBeNull();
    expect(exposureWarning('localhost:9855', null)).toBeNull();
  });
});
