/** File type from the first bytes of a file (at least 16 bytes give every answer below). */
export function fileTypeOf(head: Uint8Array, size: number): string {
  if (size === 0) return 'empty';
  const b = (i: number) => head[i] ?? -1;
  const starts = (...bytes: number[]) => bytes.every((v, i) => b(i) === v);
  const ascii = (s: string) => [...s].every((c, i) => b(i) === c.charCodeAt(0));
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'elf';
  if (ascii('#!')) return 'script';
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (ascii('MZ')) return 'pe';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'gif';
  if (ascii('%PDF-')) return 'pdf';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (ascii('BZh')) return 'bzip2';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x04, 0x22, 0x4d, 0x18)) return 'lz4';
  if (starts(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return '7z';
  if (ascii('SQLite format 3')) return 'sqlite';
  if (starts(0x00, 0x61, 0x73, 0x6d)) return 'wasm';
  if (starts(0xca, 0xfe, 0xba, 0xbe)) return 'java_class_or_macho_fat';
  if (starts(0xcf, 0xfa, 0xed, 0xfe) || starts(0xce, 0xfa, 0xed, 0xfe)) return 'macho';
  if (ascii('!<arch>\n')) return 'ar';
  if (ascii('-----BEGIN ')) return 'pem';
  if (starts(0x30, 0x82)) return 'der';
  if (starts(0xed, 0xab, 0xee, 0xdb)) return 'rpm';
  if (ascii('070701') || ascii('070702') || ascii('070707')) return 'cpio';
  return looksLikeText(head) ? 'text' : 'data';
}

/** Printable ASCII/UTF-8 and common whitespace only. */
function looksLikeText(head: Uint8Array): boolean {
  for (const c of head) {
    if (c === 9 || c === 10 || c === 13 || c === 12 || (c >= 0x20 && c !== 0x7f)) continue;
    return false;
  }
  return true;
}
