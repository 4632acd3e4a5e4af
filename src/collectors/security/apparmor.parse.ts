export interface AppArmorProfile {
  name: string;
  mode: string;
}

/** /sys/kernel/security/apparmor/profiles: one `name (mode)` line per loaded profile. */
export function parseAppArmorProfiles(text: string, onBad?: (line: number, reason: string) => void): AppArmorProfile[] {
  const out: AppArmorProfile[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(.+) \(([a-z_]+)\)$/.exec(line);
    if (!m) onBad?.(i + 1, 'expected "name (mode)"');
    else out.push({ name: m[1]!, mode: m[2]! });
  });
  return out;
}
