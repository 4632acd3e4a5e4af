/** One (type, URI, suite) of an apt source, from either format. */
export interface AptEntry {
  type: string;
  uri: string;
  suite: string;
  components: string[];
  /** Option names lower-cased: arch, signed-by, trusted, allow-insecure, enabled… */
  options: Record<string, string>;
  enabled: boolean;
  line: number;
}

type OnBad = (line: number, reason: string) => void;

const TYPES = new Set(['deb', 'deb-src']);

/** sources.list(5) one-line style: `deb [ opt=val … ] uri suite [component…]`. */
export function parseOneLineSources(text: string, onBad?: OnBad): AptEntry[] {
  const out: AptEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const m = /^(\S+)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(line);
    const type = m?.[1] ?? '';
    if (!TYPES.has(type)) {
      onBad?.(i + 1, `unknown type "${type.slice(0, 40)}"`);
      continue;
    }
    if (line.slice(type.length).trimStart().startsWith('[') && m?.[2] === undefined) {
      onBad?.(i + 1, 'unterminated [options]');
      continue;
    }
    const options: Record<string, string> = {};
    let badOption = false;
    for (const opt of (m?.[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const om = /^([A-Za-z-]+)[+-]?=(.*)$/.exec(opt);
      if (!om) {
        badOption = true;
        break;
      }
      options[om[1]!.toLowerCase()] = om[2]!;
    }
    const rest = (m?.[3] ?? '').split(/\s+/).filter(Boolean);
    if (badOption || rest.length < 2) {
      onBad?.(i + 1, badOption ? 'bad option' : 'expected a URI and a suite');
      continue;
    }
    const [uri, suite, ...components] = rest as [string, string, ...string[]];
    // A suite without a trailing "/" needs components; an exact path ("./") has none.
    if (!suite.endsWith('/') && components.length === 0) {
      onBad?.(i + 1, 'a suite needs at least one component');
      continue;
    }
    out.push({ type, uri, suite, components, options, enabled: true, line: i + 1 });
  }
  return out;
}

/** Paragraphs of an RFC 822 style file: field names lower-cased, continuation lines joined with "\n". */
function paragraphs(text: string, onBad?: OnBad): { line: number; fields: Map<string, string> }[] {
  const out: { line: number; fields: Map<string, string> }[] = [];
  let cur: { line: number; fields: Map<string, string> } | null = null;
  let last: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.startsWith('#')) continue;
    if (raw.trim() === '') {
      cur = null;
      last = null;
      continue;
    }
    if (/^\s/.test(raw)) {
      if (!cur || last === null) {
        onBad?.(i + 1, 'continuation line without a field');
        continue;
      }
      cur.fields.set(last, `${cur.fields.get(last)}\n${raw.trim()}`);
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(raw);
    if (!m) {
      onBad?.(i + 1, 'expected "Field: value"');
      last = null;
      continue;
    }
    if (!cur) out.push((cur = { line: i + 1, fields: new Map() }));
    last = m[1]!.toLowerCase();
    cur.fields.set(last, m[2]!.trim());
  }
  return out;
}

/** sources.list(5) deb822 style (`*.sources`): one entry per type × URI × suite. */
export function parseDeb822Sources(text: string, onBad?: OnBad): AptEntry[] {
  const out: AptEntry[] = [];
  for (const p of paragraphs(text, onBad)) {
    const words = (k: string) => (p.fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    const types = words('types');
    const uris = words('uris');
    const suites = words('suites');
    if (types.length === 0 || uris.length === 0 || suites.length === 0) {
      onBad?.(p.line, 'a stanza needs Types, URIs and Suites');
      continue;
    }
    const unknown = types.find((t) => !TYPES.has(t));
    if (unknown) {
      onBad?.(p.line, `unknown type "${unknown.slice(0, 40)}"`);
      continue;
    }
    const options: Record<string, string> = {};
    for (const [k, v] of p.fields) {
      if (['types', 'uris', 'suites', 'components'].includes(k)) continue;
      // An inline Signed-By key is a whole armored block: keep only that it is inline.
      options[k] = k === 'signed-by' && v.includes('\n') ? 'inline' : v;
    }
    const enabled = (options.enabled ?? 'yes').toLowerCase() !== 'no';
    for (const type of types)
      for (const uri of uris)
        for (const suite of suites)
          out.push({ type, uri, suite, components: words('components'), options, enabled, line: p.line });
  }
  return out;
}

/** apt's boolean option values. */
export function aptYes(v: string | undefined): boolean {
  return v !== undefined && ['yes', 'true', '1', 'with'].includes(v.toLowerCase());
}
