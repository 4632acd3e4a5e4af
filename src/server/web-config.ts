import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../util/yaml.js';
import { CIPHER_SUITES, CLIENT_AUTH_TYPES, CURVES, TLS13_SUITES, TLS_VERSIONS, type ClientAuthType, type TlsServerConfig } from './tls.js';

/** The Prometheus exporter-toolkit web configuration (the subset that applies here). */
export interface WebConfig {
  tls: TlsServerConfig | null;
  basicAuthUsers: Map<string, string>;
  headers: Record<string, string>;
}

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
    if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(clientAuthType)) bad(file, `tls_server_config.client_auth_type: unknown "${clientAuthType}"`);
    const version = (key: 'min_version' | 'max_version') => {
      const v = t[key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string' || !TLS_VERSIONS[v]) bad(file, `tls_server_config.${key}: unknown "${String(v)}" (TLS10, TLS11, TLS12, TLS13)`);
      return v;
    };
    const minVersion = version('min_version');
    const maxVersion = version('max_version');
    const order = Object.keys(TLS_VERSIONS);
    if (minVersion && maxVersion && order.indexOf(minVersion) > order.indexOf(maxVersion)) bad(file, `tls_server_config: min_version ${minVersion} is above max_version ${maxVersion}`);
    const names = (key: string, known: (n: string) => boolean) => {
      const v = t[key];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(file, `tls_server_config.${key} must be a list of names`);
      for (const n of v as string[]) if (!known(n)) bad(file, `tls_server_config.${key}: unknown "${n}"`);
      return v as string[];
    };
    const cipherSuites = names('cipher_suites', (n) => n in CIPHER_SUITES || TLS13_SUITES.has(n));
    const curvePreferences = names('curve_preferences', (n) => n in CURVES);
    const prefer = t.prefer_server_cipher_suites ?? true;
    if (typeof prefer !== 'boolean') bad(file, 'tls_server_config.prefer_server_cipher_suites must be true or false');
    const needsCa = clientAuthType === 'RequireAndVerifyClientCert' || clientAuthType === 'VerifyClientCertIfGiven';
    if (needsCa && t.client_ca_file === undefined) bad(file, `client_auth_type ${clientAuthType} needs client_ca_file`);
    tls = {
      certFile: rel(t.cert_file, 'tls_server_config.cert_file'),
      keyFile: rel(t.key_file, 'tls_server_config.key_file'),
      clientCaFile: t.client_ca_file === undefined ? null : rel(t.client_ca_file, 'tls_server_config.client_ca_file'),
      clientAuthType: clientAuthType as ClientAuthType,
      minVersion,
      maxVersion,
      cipherSuites,
      curvePreferences,
      preferServerCipherSuites: prefer,
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
