import { describe, expect, it } from 'vitest';
import { escapeName, escapeText, fsPath, isEscaped, unescapeName } from '../../../src/host/names.js';

const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('escapeName', () => {
  it('keeps ordinary names, UTF-8 included, unchanged', () => {
    for (const s of ['passwd', 'sshd_config', '50-cloud-init.yaml', 'Ünïcödé-名前.conf', 'emoji-🙂', 'a b', "q'uote\"", 'dev-disk-by\\x2duuid-1234.swap', 'C:\\dir', 'trailing\\']) {
      expect(escapeName(Buffer.from(s, 'utf8'))).toBe(s);
    }
  });

  it('writes bytes that are not UTF-8 and control characters as \\xNN', () => {
    expect(escapeName(b('setuid-', [0xff, 0xfe]))).toBe('setuid-\\xff\\xfe');
    expect(escapeName(b('line\nbreak\ttab\r'))).toBe('line\\x0abreak\\x09tab\\x0d');
    expect(escapeName(b('del', [0x7f]))).toBe('del\\x7f');
    expect(escapeName(b('c1-', [0xc2, 0x85]))).toBe('c1-\\xc2\\x85'); // U+0085 NEXT LINE
    expect(escapeName(b('bidi-\u202etxt.exe'))).toBe('bidi-\\xe2\\x80\\xaetxt.exe');
    expect(escapeName(b('sep\u2028x'))).toBe('sep\\xe2\\x80\\xa8x');
    expect(escapeName(b('lone-surrogate-', [0xed, 0xa0, 0x80]))).toBe('lone-surrogate-\\xed\\xa0\\x80');
    expect(escapeName(b('overlong-', [0xc0, 0xaf]))).toBe('overlong-\\xc0\\xaf');
    expect(escapeName(b('cut-', [0xe2, 0x82]))).toBe('cut-\\xe2\\x82');
    expect(escapeName(b('latin1-caf', [0xe9]))).toBe('latin1-caf\\xe9');
  });

  it('doubles a backslash only where it would read as an escape', () => {
    expect(escapeName(b('a\\\\b'))).toBe('a\\\\\\b'); // two backslashes
    expect(escapeName(b('lit\\x0a'))).toBe('lit\\\\x0a'); // the four characters \x0a
    expect(escapeName(b('lit\\x2d'))).toBe('lit\\x2d'); // never an escape: kept
    expect(escapeName(b('lit\\x0A'))).toBe('lit\\x0A'); // uppercase is never an escape
    expect(escapeName(b('\\', [0x0a]))).toBe('\\\\\\x0a'); // a backslash before a newline
  });

  it('always yields valid UTF-8 without control characters', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const s = escapeName(all);
    expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s);
    expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('round-trips any bytes', () => {
    // Random names drawn from an alphabet that makes escapes likely.
    const alphabet = [0x5c, 0x78, 0x30, 0x61, 0x66, 0x37, 0x0a, 0x00 + 1, 0x7f, 0xc2, 0x85, 0xe2, 0x80, 0xae, 0xff, 0x41, 0x2f - 1, 0xf0, 0x9f, 0x99, 0x82];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 20000; n++) {
      const len = Math.floor(rnd() * 12);
      const bytes = Buffer.from(Array.from({ length: len }, () => (rnd() < 0.8 ? alphabet[Math.floor(rnd() * alphabet.length)]! : Math.floor(rnd() * 256))));
      const esc = escapeName(bytes);
      expect(unescapeName(esc).equals(bytes), `${bytes.toString('hex')} -> ${esc}`).toBe(true);
      expect(isEscaped(esc)).toBe(true);
    }
  });

  it('is injective: different names never show the same', () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 1 << 16; i++) {
      const bytes = Buffer.from([i >> 8, i & 255]);
      const esc = escapeName(bytes);
      expect(seen.get(esc) ?? bytes.toString('hex')).toBe(bytes.toString('hex'));
      seen.set(esc, bytes.toString('hex'));
    }
  });
});

describe('fsPath and escapeText', () => {
  it('hands node:fs the string itself when there is nothing to unescape', () => {
    expect(fsPath('/etc/sudoers.d/90-cloud')).toBe('/etc/sudoers.d/90-cloud');
    expect(fsPath('/etc/cron.d/job\\x0a')).toEqual(b('/etc/cron.d/job', [0x0a]));
  });

  it('escapes a decoded string through its UTF-8 bytes', () => {
    expect(escapeText('a\nb')).toBe('a\\x0ab');
    expect(escapeText('plain')).toBe('plain');
  });
});
