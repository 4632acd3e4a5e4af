export interface PartitionLine {
  major: number;
  minor: number;
  /** 1 KiB blocks. */
  blocks: number;
  name: string;
}

/** Parses /proc/partitions: a header line, a blank line, then `major minor #blocks name`. */
export function parsePartitions(text: string, onBad?: (line: number, reason: string) => void): PartitionLine[] {
  const out: PartitionLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('major')) continue;
    const f = line.split(/\s+/);
    if (f.length !== 4 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!) || !/^[\w.:+-]+$/.test(f[3]!)) {
      onBad?.(i + 1, 'expected "major minor #blocks name"');
      continue;
    }
    out.push({ major: Number(f[0]), minor: Number(f[1]), blocks: Number(f[2]), name: f[3]! });
  }
  return out;
}
