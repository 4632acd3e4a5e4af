import { readFileSync } from 'node:fs';
import type * as https from 'node:https';
import type { TLSSocket } from 'node:tls';

/** exporter-toolkit's TLS version names (Go crypto/tls) → Node's. */
export const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Go cipher suite names (TLS 1.0–1.2) → OpenSSL names. */
export const CIPHER_SUITES: Record<string, string> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** TLS 1.3 suites: Go accepts the names but does not let them be configured; neither do we. */
export const TLS13_SUITES = new Set(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
const TLS13_OPENSSL = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/** Go curve names → OpenSSL group names. */
export const CURVES: Record<string, string> = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
  X25519MLKEM768: 'X25519MLKEM768',
};

export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

export interface TlsServerConfig {
  certFile: string;
  keyFile: string;
  clientCaFile: string | null;
  clientAuthType: ClientAuthType;
  minVersion: string | null;
  maxVersion: string | null;
  cipherSuites: string[];
  curvePreferences: string[];
  preferServerCipherSuites: boolean;
}

/** Node TLS server options with Go crypto/tls semantics for the exporter-toolkit settings. */
export function tlsServerOptions(t: TlsServerConfig): https.ServerOptions {
  const ciphers12 = t.cipherSuites.filter((c) => !TLS13_SUITES.has(c)).map((c) => CIPHER_SUITES[c]!);
  return {
    cert: readFileSync(t.certFile),
    key: readFileSync(t.keyFile),
    ...(t.clientCaFile ? { ca: readFileSync(t.clientCaFile) } : {}),
    requestCert: t.clientAuthType !== 'NoClientCert',
    // Node can only refuse unverified peers during the handshake; the other modes are checked after it.
    rejectUnauthorized: t.clientAuthType === 'RequireAndVerifyClientCert',
    minVersion: TLS_VERSIONS[t.minVersion ?? 'TLS12'],
    maxVersion: TLS_VERSIONS[t.maxVersion ?? 'TLS13'],
    ...(ciphers12.length ? { ciphers: `${TLS13_OPENSSL}:${ciphers12.join(':')}` } : {}),
    ...(t.curvePreferences.length ? { ecdhCurve: t.curvePreferences.map((c) => CURVES[c]!).join(':') } : {}),
    honorCipherOrder: t.preferServerCipherSuites,
  };
}

/**
 * After the handshake: whether Go would have accepted this client. RequireAnyClientCert
 * needs a certificate (any); VerifyClientCertIfGiven refuses one that does not verify.
 */
export function clientCertRefusal(mode: ClientAuthType, socket: TLSSocket): string | null {
  const cert = socket.getPeerCertificate();
  const given = !!cert && Object.keys(cert).length > 0;
  if (mode === 'RequireAnyClientCert' && !given) return 'client certificate required';
  if (mode === 'VerifyClientCertIfGiven' && given && !socket.authorized) return `client certificate not verified: ${String(socket.authorizationError)}`;
  return null;
}
