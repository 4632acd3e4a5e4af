import type { CollectContext } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { EMPTY_IDENTITY, FALLBACK_FILES, fillIdentity, identityFromOsRelease, type OsIdentity } from './os-release-fallback.parse.js';
import { parseOsRelease } from './os-release.parse.js';

/** os-release(5) search order; /etc wins over the vendor copy. */
const PATHS = ['/etc/os-release', '/usr/lib/os-release'];
/** Identity files are a few lines: anything larger is not one. */
const MAX_BYTES = 64 * 1024;

/** The first fallback file that exists and parses, with its path. */
async function fallback(ctx: CollectContext): Promise<{ file: string; identity: Partial<OsIdentity> & { id: string } } | null> {
  for (const { file, parse } of FALLBACK_FILES) {
    const text = await ctx.fs.readTextIfExists(file, { maxBytes: MAX_BYTES });
    if (text === null) continue;
    const identity = parse(text);
    if (identity) return { file, identity };
    ctx.parseError(file, 'not in the form this file has');
  }
  return null;
}

async function readOsRelease(ctx: CollectContext): Promise<{ file: string; kv: Record<string, string> } | null> {
  for (const file of PATHS) {
    const text = await ctx.fs.readTextIfExists(file, { maxBytes: MAX_BYTES });
    if (text === null) continue;
    let bad = 0;
    const kv = parseOsRelease(text, (line, reason) => {
      bad++;
      ctx.parseError(file, `line ${line}: ${reason}`);
    });
    if (bad > 0 && Object.keys(kv).length === 0) throw new Error(`${file}: no KEY=value line, not an os-release file`);
    return { file, kv };
  }
  return null;
}

/**
 * os-release when it is complete; otherwise the distribution's older release file fills
 * what it lacks (only for the same distribution), or stands in for it when it is absent.
 */
async function identify(ctx: CollectContext): Promise<(OsIdentity & { source: string }) | null> {
  const os = await readOsRelease(ctx);
  if (os && os.kv.ID && os.kv.NAME && os.kv.VERSION_ID) return { ...identityFromOsRelease(os.kv), source: os.file };
  const more = await fallback(ctx);
  if (!os) return more ? { ...fillIdentity(EMPTY_IDENTITY, more.identity), source: more.file } : null;
  const base = identityFromOsRelease(os.kv);
  if (more && (!base.id || base.id === more.identity.id)) return { ...fillIdentity(base, more.identity), source: `${os.file},${more.file}` };
  if (!base.id && !base.name) throw new Error(`${os.file}: neither ID nor NAME is set`);
  return { ...base, source: os.file };
}

export const osRelease = defineCollector({
  name: 'os_release',
  area: 'system',
  description:
    'Distribution from /etc/os-release (or /usr/lib/os-release); where it is absent or partial, from redhat-release, centos-release, system-release, SuSE-release, alpine-release, gentoo-release, lsb-release or debian_version.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'os_release', key: ['id'], description: 'The operating system release; source names the files it was read from.', drift: true }],
  async collect(ctx) {
    const found = await identify(ctx);
    if (!found) return [{ name: 'os_release', rows: [] }];
    // os-release's own defaults for what no file says.
    const name = found.name || 'Linux';
    return [{ name: 'os_release', rows: [{ ...found, id: found.id || 'linux', name, pretty_name: found.pretty_name || name }] }];
  },
});
