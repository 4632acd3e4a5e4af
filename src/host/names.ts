/**
 * The one escaping of host names (file names, link targets, paths) into text.
 *
 * A Linux file name is any bytes but `/` and NUL; a label, an event attribute or a
 * terminal needs valid UTF-8 without control characters. Inside the program every host
 * path is an escaped string; HostFs turns it back into the exact bytes at the system
 * call (`fsPath`), so a name is never lost and two names never collide.
 *
 * The rule (README, "Names that are not text"):
 * - valid UTF-8 is kept as it is, except control characters (U+0000–U+001F, U+007F,
 *   U+0080–U+009F), the line and paragraph separators and the bidirectional controls
 *   (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which are written `\xNN`,
 *   one per byte of their UTF-8 encoding;
 * - a byte that is not part of valid UTF-8 is written `\xNN`;
 * - `NN` is two lowercase hex digits and only ever `00`–`1f` or `7f`–`ff`, so `\x2d` in a
 *   systemd unit name stays literal text;
 * - a backslash is doubled only where it would otherwise be read as the start of an
 *   escape: before another backslash, or before `x` and two such hex digits.
 * A name that is valid UTF-8 without control characters and without such a backslash is
 * shown unchanged.
 */

/** Whether a byte value is one the escaper writes as `\xNN` (and the unescaper reads back). */
function isEscapeByte(v: number): boolean {
  return v <= 0x1f || v >= 0x7f;
}

function isControlCodePoint(cp: number): boolean {
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

const BACKSLASH = 0x5c;
const LOWER_X = 0x78;

function lowerHexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}

/** `x` and two lowercase hex digits naming a byte the escaper writes, starting at `i`. */
function escapeTailAt(bytes: Uint8Array, i: number): boolean {
  if (bytes[i] !== LOWER_X) return false;
  const hi = lowerHexValue(bytes[i + 1]);
  const lo = lowerHexValue(bytes[i + 2]);
  return hi >= 0 && lo >= 0 && isEscapeByte(hi * 16 + lo);
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one (RFC 3629). */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => {
    const v = b[i + j];
    return v !== undefined && v >= lo && v <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no UTF-16 surrogates
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function codePoint(b: Uint8Array, i: number, len: number): number {
  const c = b[i]!;
  if (len === 1) return c;
  if (len === 2) return ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
  if (len === 3) return ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
  return ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
}

const HEX = '0123456789abcdef';
const hexByte = (v: number) => '\\x' + HEX[v >> 4] + HEX[v & 15];

/** Whether the byte at `i` is written as `\xNN` (with the length of its sequence). */
function escapedAt(b: Uint8Array, i: number): { escaped: boolean; len: number } {
  const len = utf8Length(b, i);
  if (len === 0) return { escaped: true, len: 1 };
  return { escaped: isControlCodePoint(codePoint(b, i, len)), len };
}

/** Printable ASCII without a backslash: shown as it is. */
function isPlainAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 || c >= 0x7f || c === BACKSLASH) return false;
  }
  return true;
}

/** The escaped text of a host name or path given as bytes. */
export function escapeName(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPlainAscii(buf)) return buf.toString('latin1');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const c = buf[i]!;
    if (c === BACKSLASH) {
      // Doubled only where the unescaper would otherwise read an escape.
      const next = i + 1 < buf.length ? escapedAt(buf, i + 1) : null;
      const startsEscape = next !== null && (next.escaped || buf[i + 1] === BACKSLASH || escapeTailAt(buf, i + 1));
      out += startsEscape ? '\\\\' : '\\';
      i++;
      continue;
    }
    const { escaped, len } = escapedAt(buf, i);
    if (escaped) for (let j = 0; j < len; j++) out += hexByte(buf[i + j]!);
    else out += buf.toString('utf8', i, i + len);
    i += len;
  }
  return out;
}

/** Escapes a name already decoded to a JavaScript string (its UTF-8 bytes are escaped). */
export function escapeText(s: string): string {
  return escapeName(Buffer.from(s, 'utf8'));
}

/** The bytes of an escaped name or path: the exact inverse of `escapeName`. */
export function unescapeName(s: string): Buffer {
  if (!s.includes('\\')) return Buffer.from(s, 'utf8');
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === BACKSLASH && src[i + 1] === BACKSLASH) {
      out[n++] = BACKSLASH;
      i += 2;
    } else if (c === BACKSLASH && escapeTailAt(src, i + 1)) {
      out[n++] = lowerHexValue(src[i + 2]) * 16 + lowerHexValue(src[i + 3]);
      i += 4;
    } else {
      out[n++] = c; // a backslash that starts no escape stands for itself
      i++;
    }
  }
  return out.subarray(0, n);
}

/**
 * An escaped host path in the form node:fs takes: the string itself when it holds no
 * escape (nearly always), else its exact bytes.
 */
export function fsPath(escaped: string): string | Buffer {
  return escaped.includes('\\') ? unescapeName(escaped) : escaped;
}

/** Whether a string is the escaped form of some name (what `escapeName` can return). */
export function isEscaped(s: string): boolean {
  return escapeName(unescapeName(s)) === s;
}
