import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import bcrypt from 'bcryptjs';
import { parseYaml } from '../util/yaml.js';

/** The Prometheus exporter-toolkit web configuration (the subset that applies here). */
export interface WebConfig {
  tls: {
    certFile: string;
    keyFile: string;
    clientCaFile: string | null;
    clientAuthType: string;
    minVersion: string | null;
  } | null;
  basicAuthUsers: Map<string, string>;
  headers: Record<string, string>;
}

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};
export function nodeTlsVersion(v: string | null) {
  return v ? TLS_VERSIONS[v] : undefined;
}

const CLIENT_AUTH = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];

function bad(file: string, msg: string): never {
  throw new Error(`web config ${file}: ${msg}`);
}

function mapping(file: string, where: string, v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) bad(file, `${where} must be a mapping`);
  return v as Record<string, unknown>;
}

function only(file: string, where: string, obj: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) bad(file, `${where}: unknown key "${k}"`);
}

/** Parses and checks a web config file; relative file names are relative to the config file, as in exporter-toolkit. */
export function parseWebConfig(file: string, text: string): WebConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    bad(file, `invalid YAML: ${(err as Error).message}`);
  }
  const root = mapping(file, 'top level', doc);
  only(file, 'top level', root, ['tls_server_config', 'http_server_config', 'basic_auth_users']);
  const dir = path.dirname(file);
  const rel = (p: unknown, where: string) => {
    if (typeof p !== 'string' || p === '') bad(file, `${where} must be a file name`);
    return path.resolve(dir, p);
  };
  let tls: WebConfig['tls'] = null;
  if (root.tls_server_config !== undefined) {
    const t = mapping(file, 'tls_server_config', root.tls_server_config);
    only(file, 'tls_server_config', t, ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version', 'cipher_suites', 'curve_preferences', 'prefer_server_cipher_suites']);
    if (t.cert_file === undefined || t.key_file === undefined) bad(file, 'tls_server_config needs both cert_file and key_file');
    const clientAuthType = (t.client_auth_type as string | undefined) ?? 'NoClientCert';
    if (!CLIENT_AUTH.includes(clientAuthType)) bad(file, `tls_server_config.client_auth_type: unknown "${clientAuthType}"`);
    const minVersion = (t.min_version as string | undefined) ?? null;
    if (minVersion !== null && !TLS_VERSIONS[minVersion]) bad(file, `tls_server_config.min_version: unknown "${minVersion}"`);
    const needsCa = clientAuthType === 'RequireAndVerifyClientCert' || clientAuthType === 'VerifyClientCertIfGiven';
    if (needsCa && t.client_ca_file === undefined) bad(file, `client_auth_type ${clientAuthType} needs client_ca_file`);
    tls = {
      certFile: rel(t.cert_file, 'tls_server_config.cert_file'),
      keyFile: rel(t.key_file, 'tls_server_config.key_file'),
      clientCaFile: t.client_ca_file === undefined ? null : rel(t.client_ca_file, 'tls_server_config.client_ca_file'),
      clientAuthType,
      minVersion,
    };
  }
  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(mapping(file, 'basic_auth_users', root.basic_auth_users))) {
    if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$/.test(hash)) bad(file, `basic_auth_users.${user}: expected a bcrypt hash`);
    users.set(user, hash);
  }
  const http = mapping(file, 'http_server_config', root.http_server_config);
  only(file, 'http_server_config', http, ['http2', 'headers']);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(mapping(file, 'http_server_config.headers', http.headers))) headers[k] = String(v);
  return { tls, basicAuthUsers: users, headers };
}

export function loadWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`web config ${file}: ${(err as Error).message}`);
  }
  return parseWebConfig(file, text);
}

/**
 * Checks HTTP basic credentials against bcrypt hashes. bcrypt is slow on purpose,
 * so a successful check is remembered (keyed by a SHA-256 of the credentials) to
 * keep scrapes fast, as exporter-toolkit does.
 */
export function basicAuthChecker(users: Map<string, string>): (header: string | undefined) => boolean {
  const good = new Set<string>();
  return (header) => {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    const key = createHash('sha256').update(user).update('\0').update(pass).digest('hex');
    if (good.has(key)) return true;
    const hash = users.get(user);
    // Compare against a dummy hash for unknown users so timing does not reveal them.
    const ok = bcrypt.compareSync(pass, hash ?? '$2a$10$0000000000000000000000000000000000000000000000000000.') && hash !== undefined;
    if (ok) {
      if (good.size > 1000) good.clear();
      good.add(key);
    }
    return ok;
  };
}
