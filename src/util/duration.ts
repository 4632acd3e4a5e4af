const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses Prometheus-style durations ("500ms", "30s", "1m30s", "2h") into milliseconds. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (s === '' || matched !== s.length) throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 5m, 1h)`);
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Whole days (login.defs, shadow(5)) and hours (SMART) in the base unit of metrics: seconds. */
export function daysToSeconds(days: number | null): number | null {
  return days === null ? null : days * 86_400;
}

export function hoursToSeconds(hours: number | null): number | null {
  return hours === null ? null : hours * 3_600;
}
