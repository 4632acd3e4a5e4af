import { createHash } from 'node:crypto';

/** Reads an SSH wire-format string (uint32 length + bytes); null when the buffer is too short. */
export function sshString(buf: Buffer, off: number): { value: Buffer; next: number } | null {
  if (off + 4 > buf.length) return null;
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) return null;
  return { value: buf.subarray(off + 4, off + 4 + len), next: off + 4 + len };
}

/** Bit length of a big-endian unsigned integer (an SSH mpint or DER INTEGER). */
export function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

const FIXED_BITS: Record<string, number> = {
  'ssh-ed25519': 256,
  'sk-ssh-ed25519@openssh.com': 256,
  'ssh-ed448': 456,
  'ecdsa-sha2-nistp256': 256,
  'ecdsa-sha2-nistp384': 384,
  'ecdsa-sha2-nistp521': 521,
  'sk-ecdsa-sha2-nistp256@openssh.com': 256,
};

const CERT_SUFFIX = '-cert-v01@openssh.com';

/** Whether a word is an SSH public key algorithm name (plain, security key or certificate). */
export function isKeyType(word: string): boolean {
  const base = word.endsWith(CERT_SUFFIX) ? word.slice(0, -CERT_SUFFIX.length) : word;
  return base === 'ssh-rsa' || base === 'ssh-dss' || base in FIXED_BITS;
}

export interface KeyInfo {
  type: string;
  bits: number;
  /** `SHA256:<base64, no padding>` of the blob, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Type and size of a public key blob; null when the blob is not a well-formed key. */
export function keyBlobInfo(blob: Buffer): KeyInfo | null {
  const t = sshString(blob, 0);
  if (!t) return null;
  const type = t.value.toString('latin1');
  if (!isKeyType(type)) return null;
  const cert = type.endsWith(CERT_SUFFIX);
  const base = cert ? type.slice(0, -CERT_SUFFIX.length) : type;
  let off = t.next;
  if (cert) {
    const nonce = sshString(blob, off);
    if (!nonce) return null;
    off = nonce.next;
  }
  let bits: number;
  if (base === 'ssh-rsa') {
    const e = sshString(blob, off);
    const n = e && sshString(blob, e.next);
    if (!n) return null;
    bits = bitLength(n.value);
  } else if (base === 'ssh-dss') {
    const p = sshString(blob, off);
    if (!p) return null;
    bits = bitLength(p.value);
  } else {
    // ed25519: the 32-byte key; ecdsa: curve name then point. Both must be present.
    const first = sshString(blob, off);
    if (!first) return null;
    bits = FIXED_BITS[base]!;
  }
  return { type, bits, fingerprint: fingerprint(blob) };
}

export interface AuthorizedKey extends KeyInfo {
  /** Option names only (`command`, `from`, `no-pty`, `restrict`…): values may hold commands or addresses. */
  options: string[];
  hasComment: boolean;
}

/** Splits the leading options of an authorized_keys line (commas, quoted values) from the rest. */
function splitOptions(line: string): { options: string[]; rest: string } {
  const options: string[] = [];
  let cur = '';
  let quoted = false;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && quoted && i + 1 < line.length) {
      cur += c + line[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ' ' || c === '\t')) break;
    if (!quoted && c === ',') {
      options.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) options.push(cur);
  return { options: options.map((o) => o.split('=')[0]!.toLowerCase()), rest: line.slice(i).trim() };
}

/** Parses one authorized_keys(5) line; a string is the reason it is malformed. */
export function parseAuthorizedKey(line: string): AuthorizedKey | string {
  let words = line.trim().split(/\s+/);
  let options: string[] = [];
  if (!isKeyType(words[0]!)) {
    const s = splitOptions(line.trim());
    options = s.options;
    words = s.rest.split(/\s+/);
    if (!isKeyType(words[0] ?? '')) return 'no known key type';
  }
  if (!words[1] || !/^[A-Za-z0-9+/]+={0,2}$/.test(words[1])) return 'missing or invalid base64 key';
  const info = keyBlobInfo(Buffer.from(words[1], 'base64'));
  if (!info) return 'malformed key blob';
  if (info.type !== words[0]) return `key type ${words[0]} does not match the blob (${info.type})`;
  return { ...info, options: [...new Set(options)].sort(), hasComment: words.length > 2 };
}

export interface PrivateKeyInfo {
  format: 'openssh' | 'pem' | 'pkcs8' | 'putty';
  /** ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256…, or "unknown" (encrypted PKCS#8 hides it). */
  type: string;
  bits: number | null;
  encrypted: boolean;
  /** Only the OpenSSH format carries the public key in clear. */
  fingerprint: string | null;
}

interface Der {
  tag: number;
  value: Buffer;
  next: number;
}

function der(buf: Buffer, off: number): Der | null {
  if (off + 2 > buf.length) return null;
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) return null;
  return { tag, value: buf.subarray(p, p + len), next: p + len };
}

/** The DER elements one after another in a constructed value. */
function derChildren(content: Buffer): Der[] {
  const out: Der[] = [];
  for (let off = 0; off < content.length; ) {
    const d = der(content, off);
    if (!d) break;
    out.push(d);
    off = d.next;
  }
  return out;
}

/** The children of a DER SEQUENCE. */
function derSeq(buf: Buffer): Der[] {
  const top = der(buf, 0);
  return top && top.tag === 0x30 ? derChildren(top.value) : [];
}

function oid(b: Buffer): string {
  if (b.length === 0) return '';
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (const x of b.subarray(1)) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['ecdsa-sha2-nistp256', 256],
  '1.3.132.0.34': ['ecdsa-sha2-nistp384', 384],
  '1.3.132.0.35': ['ecdsa-sha2-nistp521', 521],
};

/** The curve OID inside a SEC1 ECPrivateKey ([0] parameters). */
function ecCurve(items: Der[]): [string, number] | null {
  const params = items.find((d) => d.tag === 0xa0);
  const o = params && der(params.value, 0);
  return (o && o.tag === 0x06 && CURVES[oid(o.value)]) || null;
}

function pemBody(block: string): { headers: string; body: Buffer } {
  const lines = block.split(/\r?\n/).slice(1, -1);
  const headerEnd = lines.findIndex((l) => l.trim() === '');
  const hasHeaders = lines.some((l) => /^[A-Za-z-]+:/.test(l));
  const headers = hasHeaders && headerEnd >= 0 ? lines.slice(0, headerEnd).join('\n') : '';
  const body = (hasHeaders && headerEnd >= 0 ? lines.slice(headerEnd + 1) : lines).join('');
  return { headers, body: Buffer.from(body, 'base64') };
}

function openssh(body: Buffer): PrivateKeyInfo | string {
  const MAGIC = 'openssh-key-v1\0';
  if (body.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return 'no openssh-key-v1 header';
  const cipher = sshString(body, MAGIC.length);
  const kdf = cipher && sshString(body, cipher.next);
  const kdfOpts = kdf && sshString(body, kdf.next);
  if (!kdfOpts || kdfOpts.next + 4 > body.length) return 'truncated openssh-key-v1 header';
  const pub = sshString(body, kdfOpts.next + 4);
  const info = pub && keyBlobInfo(pub.value);
  if (!info) return 'malformed public key section';
  return { format: 'openssh', type: info.type, bits: info.bits, encrypted: cipher.value.toString('latin1') !== 'none', fingerprint: info.fingerprint };
}

/**
 * What can be said about a private key file without its secret: format, type, size, encrypted.
 * null when the text holds no private key; a string when it does but is malformed.
 */
export function parsePrivateKey(text: string): PrivateKeyInfo | null | string {
  const putty = /^PuTTY-User-Key-File-\d+:\s*(\S+)\s*\r?\nEncryption:\s*(\S+)/m.exec(text);
  if (putty) return { format: 'putty', type: putty[1]!, bits: null, encrypted: putty[2] !== 'none', fingerprint: null };
  const m = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(text);
  if (!m) return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text) ? 'unterminated PEM block' : null;
  const label = m[1]!.trim();
  const { headers, body } = pemBody(m[0]);
  if (label === 'OPENSSH') return openssh(body);
  if (label === 'ENCRYPTED') return { format: 'pkcs8', type: 'unknown', bits: null, encrypted: true, fingerprint: null };
  const encrypted = /Proc-Type:\s*4,\s*ENCRYPTED/i.test(headers);
  if (label === 'RSA' || label === 'DSA' || label === 'EC') {
    const type = label === 'RSA' ? 'ssh-rsa' : label === 'DSA' ? 'ssh-dss' : 'ecdsa';
    if (encrypted) return { format: 'pem', type, bits: null, encrypted, fingerprint: null };
    const items = derSeq(body);
    if (items.length < 2) return `malformed ${label} key`;
    if (label === 'EC') {
      const c = ecCurve(items);
      return { format: 'pem', type: c?.[0] ?? 'ecdsa', bits: c?.[1] ?? null, encrypted, fingerprint: null };
    }
    return { format: 'pem', type, bits: bitLength(items[1]!.value), encrypted, fingerprint: null };
  }
  if (label === '') {
    const items = derSeq(body);
    const alg = items[1]?.tag === 0x30 ? derChildren(items[1].value) : undefined;
    const algOid = alg?.[0]?.tag === 0x06 ? oid(alg[0].value) : '';
    const inner = items[2]?.tag === 0x04 ? items[2].value : null;
    switch (algOid) {
      case '1.2.840.113549.1.1.1': {
        const rsa = inner ? derSeq(inner) : [];
        return { format: 'pkcs8', type: 'ssh-rsa', bits: rsa[1] ? bitLength(rsa[1].value) : null, encrypted: false, fingerprint: null };
      }
      case '1.2.840.10045.2.1': {
        const curve = alg?.[1]?.tag === 0x06 ? CURVES[oid(alg[1].value)] : undefined;
        return { format: 'pkcs8', type: curve?.[0] ?? 'ecdsa', bits: curve?.[1] ?? null, encrypted: false, fingerprint: null };
      }
      case '1.3.101.112':
        return { format: 'pkcs8', type: 'ssh-ed25519', bits: 256, encrypted: false, fingerprint: null };
      case '1.2.840.10040.4.1':
        return { format: 'pkcs8', type: 'ssh-dss', bits: null, encrypted: false, fingerprint: null };
      default:
        return items.length < 3 ? 'malformed PKCS#8 key' : { format: 'pkcs8', type: 'unknown', bits: null, encrypted: false, fingerprint: null };
    }
  }
  return { format: 'pem', type: label.toLowerCase(), bits: null, encrypted, fingerprint: null };
}
