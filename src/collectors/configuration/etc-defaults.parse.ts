/** Parses shell variable files (/etc/default/*, /etc/sysconfig/*): `KEY=value`, `export KEY=value`, quotes. */
export function parseShellVars(text: string, onBad?: (line: number, reason: string) => void): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(t);
    if (!m) {
      // Real shell code (if/fi, functions) is allowed in these files: not an error, just not a setting.
      if (/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(t)) onBad?.(i + 1, 'space around "="');
      continue;
    }
    let v = m[2]!.trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.lastIndexOf(q) > 0) v = v.slice(1, v.lastIndexOf(q));
    else v = v.replace(/\s+#.*$/, '');
    out.set(m[1]!, v);
  }
  return out;
}

/** Kernel command-line words that switch off a security feature. */
const WEAK_CMDLINE: [RegExp, string][] = [
  [/^apparmor=0$/, 'apparmor=0'],
  [/^selinux=0$/, 'selinux=0'],
  [/^enforcing=0$/, 'enforcing=0'],
  [/^security=(none|)$/, 'security=none'],
  [/^audit=0$/, 'audit=0'],
  [/^mitigations=off$/, 'mitigations=off'],
  [/^(nopti|pti=off)$/, 'pti off'],
  [/^spectre_v2=off$/, 'spectre_v2=off'],
  [/^module\.sig_enforce=0$/, 'module.sig_enforce=0'],
  [/^lockdown=none$/, 'lockdown=none'],
  [/^init=\/bin\/(ba|da|z)?sh$/, 'init=shell'],
  [/^slub_debug=-$/, 'slub_debug=-'],
];

/** Risky words of a GRUB_CMDLINE_LINUX value, each named once. */
export function weakCmdlineWords(cmdline: string): string[] {
  const out = new Set<string>();
  for (const w of cmdline.split(/\s+/)) for (const [re, name] of WEAK_CMDLINE) if (re.test(w)) out.add(name);
  return [...out];
}

/** Settings worth flagging in a /etc/default or /etc/sysconfig file, by file name. Never returns values. */
export function riskySettings(name: string, vars: Map<string, string>): string[] {
  const out: string[] = [];
  if (name === 'grub') {
    for (const key of ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'])
      for (const w of weakCmdlineWords(vars.get(key) ?? '')) out.push(`${key} ${w}`);
    if ((vars.get('GRUB_DISABLE_RECOVERY') ?? '').toLowerCase() === 'false') out.push('GRUB_DISABLE_RECOVERY false');
  }
  if (name === 'selinux') {
    const mode = (vars.get('SELINUX') ?? '').toLowerCase();
    if (mode === 'disabled' || mode === 'permissive') out.push(`SELINUX ${mode}`);
  }
  if (name === 'useradd' && vars.has('INACTIVE') && vars.get('INACTIVE') === '-1') out.push('INACTIVE -1');
  return out;
}
