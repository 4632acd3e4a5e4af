export interface IomemRegion {
  start: string;
  end: string;
  name: string;
  /** Bytes, or null when the kernel hides addresses (read as non-root: every range is 0-0). */
  size_bytes: number | null;
  /** Occurrence of this name among top-level regions (System RAM appears several times). */
  ordinal: number;
}

/** Top-level (unindented) regions of /proc/iomem: `00100000-bfffffff : System RAM`. */
export function parseIomem(text: string, onBad?: (line: number, reason: string) => void): IomemRegion[] {
  const out: IomemRegion[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || /^\s/.test(line)) continue;
    const m = /^([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.*)$/.exec(line);
    if (!m) {
      onBad?.(i + 1, 'expected "start-end : name"');
      continue;
    }
    const start = BigInt('0x' + m[1]);
    const end = BigInt('0x' + m[2]);
    const hidden = start === 0n && end === 0n;
    const name = m[3]!.trim();
    const ordinal = seen.get(name) ?? 0;
    seen.set(name, ordinal + 1);
    out.push({
      start: m[1]!.toLowerCase(),
      end: m[2]!.toLowerCase(),
      name,
      size_bytes: hidden || end < start ? null : Number(end - start + 1n),
      ordinal,
    });
  }
  return out;
}
