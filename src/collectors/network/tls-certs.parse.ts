import { X509Certificate } from 'node:crypto';

/** Certificates of PEM text or a DER blob (pure). */

export interface CertFacts {
  subject: string;
  issuer: string;
  serial: string;
  not_before: number;
  not_after: number;
  fingerprint_sha256: string;
  self_signed: boolean;
  ca: boolean;
}

const PEM = /-----BEGIN CERTIFICATE-----\s+([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** "CN=x\nO=y" → "CN=x, O=y" (one line, fit for a label). */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function certFacts(cert: X509Certificate): CertFacts {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    not_before: Math.floor(Date.parse(cert.validFrom) / 1000),
    not_after: Math.floor(Date.parse(cert.validTo) / 1000),
    fingerprint_sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    self_signed: cert.subject === cert.issuer,
    ca: cert.ca,
  };
}

/**
 * Every certificate of a file: the PEM blocks (bundles hold many), or the file as
 * one DER certificate when it has no PEM block. Unparsable blocks are reported.
 * Private keys in the same file are never looked at.
 */
export function parseCertificates(data: Buffer, onBad?: (index: number, reason: string) => void): CertFacts[] {
  const text = data.toString('latin1');
  const out: CertFacts[] = [];
  const blocks = [...text.matchAll(PEM)];
  if (blocks.length === 0) {
    if (data.length > 0 && data[0] === 0x30) {
      try {
        out.push(certFacts(new X509Certificate(data)));
      } catch (err) {
        onBad?.(1, `not a DER certificate (${(err as Error).message})`);
      }
    }
    return out;
  }
  blocks.forEach((m, i) => {
    try {
      out.push(certFacts(new X509Certificate(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'))));
    } catch (err) {
      onBad?.(i + 1, `bad certificate (${(err as Error).message})`);
    }
  });
  return out;
}

/** "host:port", "[v6]:port"; the port defaults to 443. */
export function parseEndpoint(text: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m) return null;
  const port = m[2] ? Number(m[2]) : 443;
  return port > 0 && port < 65536 ? { host: m[1]!, port } : null;
}

/** Matches one path component against a glob of "*" and "?". */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  return re.test(name);
}
