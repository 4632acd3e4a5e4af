/** Decodes the octal escapes (`\040` = space) that the kernel and fstab use in fields; bytes are UTF-8. */
export function decodeOctalEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  const chars = Array.from(s); // code points, so non-ASCII text survives
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const octal = chars[i] === '\\' ? chars.slice(i + 1, i + 4).join('') : '';
    if (/^[0-3][0-7]{2}$/.test(octal)) {
      bytes.push(parseInt(octal, 8));
      i += 3;
    } else bytes.push(...Buffer.from(chars[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
