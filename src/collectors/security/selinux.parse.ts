/** /etc/selinux/config: SELINUX= (enforcing|permissive|disabled) and SELINUXTYPE=. */
export function parseSelinuxConfig(text: string, onBad?: (line: number, reason: string) => void): { mode: string; type: string } {
  const out = { mode: '', type: '' };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Z_]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (!m) return onBad?.(i + 1, 'expected KEY=value');
    if (m[1] === 'SELINUX') out.mode = m[2]!.trim().toLowerCase();
    else if (m[1] === 'SELINUXTYPE') out.type = m[2]!.trim();
  });
  return out;
}
