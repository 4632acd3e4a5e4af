import { ownString } from '../../util/own-string.js';

/** One stanza of /var/lib/dpkg/status, reduced to what the collector reports. */
export interface DpkgEntry {
  name: string;
  version: string;
  arch: string;
  /** Source package name (the package's own name when there is no Source field). */
  source: string;
  /** Source version from `Source: name (version)`, else the binary version. */
  sourceVersion: string;
  /** The third word of `Status:` (installed, config-files, half-installed, …). */
  state: string;
  /** The first word of `Status:` (install, hold, deinstall, purge, unknown). */
  want: string;
}

const WANTED = new Set(['Package', 'Status', 'Version', 'Architecture', 'Source']);

/**
 * Parses a dpkg status file (deb822 stanzas separated by blank lines). Hand-rolled
 * line scanning rather than regexes: a host with thousands of packages has a
 * status file of several megabytes and this runs on every refresh.
 * A stanza without Package, Status or a well-formed Status is reported through
 * `onBad` (with the 1-based line where it starts) and skipped.
 */
export function parseDpkgStatus(text: string, onBad?: (line: number, reason: string) => void): DpkgEntry[] {
  const out: DpkgEntry[] = [];
  const len = text.length;
  let pos = 0;
  let lineNo = 1;
  let fields: Record<string, string> = {};
  let stanzaLine = 0;
  let stanzaBad = '';
  let inStanza = false;

  const finish = () => {
    if (!inStanza) return;
    inStanza = false;
    const reason = stanzaBad || checkStanza(fields);
    if (reason) onBad?.(stanzaLine, reason);
    else out.push(toEntry(fields));
    fields = {};
    stanzaBad = '';
  };

  while (pos <= len) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = len;
    let line = text.slice(pos, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      finish();
    } else {
      if (!inStanza) {
        inStanza = true;
        stanzaLine = lineNo;
      }
      const c = line.charCodeAt(0);
      if (c !== 32 && c !== 9) {
        // Continuation lines (leading space or tab) belong to multi-line fields we do not use.
        const colon = line.indexOf(':');
        if (colon <= 0) {
          stanzaBad ||= `line ${lineNo}: expected "Field: value"`;
        } else {
          const name = line.slice(0, colon);
          if (WANTED.has(name)) fields[name] = ownString(line.slice(colon + 1).trim());
        }
      }
    }
    pos = end + 1;
    lineNo++;
  }
  finish();
  return out;
}

function checkStanza(f: Record<string, string>): string {
  if (!f.Package) return 'stanza without Package';
  if (!f.Status) return `${f.Package}: no Status`;
  if (f.Status.split(/\s+/).length !== 3) return `${f.Package}: malformed Status "${f.Status}"`;
  return '';
}

function toEntry(f: Record<string, string>): DpkgEntry {
  const [want = '', , state = ''] = f.Status!.split(/\s+/);
  const version = f.Version ?? '';
  let source = f.Package!;
  let sourceVersion = version;
  if (f.Source) {
    // "Source: glibc (2.36-9+deb12u4)" names the source package and, when it differs, its version.
    const open = f.Source.indexOf('(');
    if (open === -1) source = f.Source.trim();
    else {
      source = f.Source.slice(0, open).trim();
      const close = f.Source.indexOf(')', open);
      sourceVersion = f.Source.slice(open + 1, close === -1 ? undefined : close).trim();
    }
  }
  return { name: f.Package!, version, arch: f.Architecture ?? '', source, sourceVersion, state, want };
}
