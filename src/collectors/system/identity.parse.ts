/** Counts the CPUs of a sysfs range list such as `0-3,8-11` or `0`; null when it is not one. */
export function countCpuList(text: string): number | null {
  const s = text.trim();
  if (s === '') return 0;
  let n = 0;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return null;
    n += hi - lo + 1;
  }
  return n;
}

/** Counts `processor : N` stanzas of /proc/cpuinfo. */
export function countCpuinfoProcessors(text: string): number {
  return text.split('\n').filter((l) => /^processor\s*:/.test(l)).length;
}

/** A machine-id(5) is 32 lowercase hex digits; `uninitialized` or an empty file means first boot. */
export function validMachineId(text: string): boolean {
  return /^[0-9a-f]{32}$/.test(text.trim());
}

/** The first hostname of /etc/hostname (comments and blank lines skipped), or ''. */
export function parseEtcHostname(text: string): string {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t && !t.startsWith('#')) return t;
  }
  return '';
}

/** The kernel says `(none)` when no NIS/YP domain is set. */
export function normaliseDomain(text: string | null): string {
  const t = (text ?? '').trim();
  return t === '(none)' ? '' : t;
}
