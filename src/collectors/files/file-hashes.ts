import type { Stats } from 'node:fs';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE } from '../types.js';
import { readCapabilities, fileKind, octalMode } from './common.js';
import { isElf, parseElf, type ElfInfo, type ElfResult } from './elf.parse.js';
import { excludeMatcher, expandGlob } from './glob.js';
import { mapLimit } from '../../util/concurrency.js';
import { BufferPool, HASH_ALGORITHMS, hashFile, type HashAlgorithm } from '../../host/hash-file.js';
import { fileTypeOf } from './magic.parse.js';
import { walkPaths } from './walk.js';

const MiB = 1024 * 1024;
const DEFAULT_PATHS = ['/etc', '/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/boot'];
const CACHE = 'hash_cache';

/** What the cache keeps per file, valid while (dev, inode, size, mtime) stay the same. */
interface CacheEntry {
  size: number;
  mtimeMs: number;
  algorithms: string;
  hashes: Partial<Record<HashAlgorithm, string>>;
  type: string;
  elf: FactRow;
  /** Capabilities live in an xattr: a change moves ctime, not mtime. */
  ctimeMs: number;
  capabilities: string;
}

const NO_ELF: FactRow = {
  elf_type: null, elf_machine: null, interpreter: null, needed: null, needed_count: null,
  rpath: null, runpath: null, pie: null, bind_now: null, relro: null, nx_stack: null, elf_error: null,
};

function elfColumns(elf: ElfInfo): FactRow {
  return {
    elf_type: elf.type,
    elf_machine: elf.machine,
    interpreter: elf.interpreter ?? '',
    needed: elf.needed.join(','),
    needed_count: elf.needed.length,
    rpath: elf.rpath ?? '',
    runpath: elf.runpath ?? '',
    pie: elf.pie,
    bind_now: elf.bindNow,
    relro: elf.relro,
    nx_stack: elf.nxStack,
    elf_error: null,
  };
}

/** ELF hardening properties counted per refresh (executables and libraries with a dynamic section). */
function elfProperties(row: FactRow): string[] {
  if (row.elf_error) return [String(row.elf_error).startsWith('larger than') ? 'not_parsed_too_large' : 'parse_error'];
  if (row.elf_type === null) return [];
  const out = ['elf'];
  const executable = row.elf_type === 'EXEC' || (row.elf_type === 'DYN' && row.interpreter !== '');
  if (executable && !row.pie) out.push('not_pie');
  if (row.nx_stack === false && row.elf_type !== 'REL') out.push('exec_stack');
  if (row.relro === 'none' && row.elf_type !== 'REL') out.push('no_relro');
  if (row.rpath) out.push('rpath');
  if (row.runpath) out.push('runpath');
  return out;
}

export const fileHashes = defineCollector({
  name: 'file_hashes',
  area: 'files',
  description:
    'Stat metadata, content hashes, magic-byte type, file capabilities and ELF facts of configured paths (a FIM baseline). Unchanged files are not re-read: hashes are cached by (dev, inode, size, mtime).',
  // On by default with a long interval: after the first pass only changed files are read.
  defaultEnabled: true,
  interval: 60 * MINUTE,
  timeout: 20 * MINUTE,
  tables: [
    { name: 'files', key: ['path'], description: 'One row per regular file hashed.', drift: true, boundedBy: 'max_files' },
    { name: 'file_skips', key: ['path', 'reason'], description: 'Entries that were not hashed, with the reason.', boundedBy: 'max_files' },
    { name: 'files_skipped', key: ['reason'], description: 'Entries not hashed, per reason.' },
    { name: 'files_by_type', key: ['type'], description: 'Hashed files per magic-byte type.' },
    { name: 'elf_properties', key: ['property'], description: 'ELF files per hardening property.' },
    { name: 'file_capabilities', key: ['path'], description: 'Files with capabilities (security.capability xattr).', drift: true, boundedBy: 'max_files' },
    { name: 'files_summary', key: [], description: 'Totals of the last refresh (one row).', volatile: ['bytes_read', 'cache_hits'] },
    { name: 'file_series', key: ['path'], description: 'Per-file series, only filled when per_file_series is on.', boundedBy: 'max_files' },
  ],
  options: [
    { name: 'paths', type: 'strings', default: DEFAULT_PATHS, help: 'Host paths or globs (*, ?, [..], **) to hash; directories are walked.' },
    { name: 'exclude', type: 'strings', default: [], help: 'Globs of host paths left out (a directory excludes what is below it when written dir/**).' },
    { name: 'hashes', type: 'strings', default: ['sha256'], help: 'Hash algorithms: md5, sha1, sha256, sha512.' },
    { name: 'max_file_size', type: 'int', default: 256 * MiB, help: 'Larger files are not hashed (skipped, reason "too large").' },
    { name: 'max_files', type: 'int', default: 50_000, help: 'Entries looked at, at most; the rest is counted as truncated.' },
    { name: 'max_depth', type: 'int', default: 32, help: 'Directory levels walked below each path.' },
    { name: 'concurrency', type: 'int', default: 4, help: 'Files read at the same time.' },
    { name: 'parse_elf', type: 'bool', default: true, help: 'Parse ELF files (interpreter, needed libraries, RPATH/RUNPATH, PIE, RELRO, NX stack).' },
    { name: 'elf_max_size', type: 'int', default: 2048 * MiB, help: 'ELF files larger than this are hashed but not parsed. Parsing reads only the ELF headers and tables, so memory does not depend on this size.' },
    { name: 'per_file_series', type: 'bool', default: false, help: 'Also export hostbaseline_file_info, one series per file (capped at 2000).' },
  ],
  async collect(ctx) {
    const o = ctx.options;
    const algorithms = o.hashes as string[];
    for (const a of algorithms) if (!(HASH_ALGORITHMS as readonly string[]).includes(a)) throw new Error(`file_hashes: unknown hash "${a}" (use ${HASH_ALGORITHMS.join(', ')})`);
    const algos = [...new Set(algorithms)] as HashAlgorithm[];
    const maxSize = o.max_file_size as number;
    const parseElfFiles = o.parse_elf as boolean;
    const elfMax = o.elf_max_size as number;

    const skips: FactRow[] = [];
    const skip = (path: string, reason: string) => skips.push({ path, reason });

    const roots: string[] = [];
    for (const p of o.paths as string[]) {
      if (!p.startsWith('/')) throw new Error(`file_hashes: path "${p}" is not absolute`);
      roots.push(...(await expandGlob(ctx.fs, p)));
    }
    const exclude = excludeMatcher(o.exclude as string[]);
    const walked = await walkPaths(ctx.fs, roots, {
      maxDepth: o.max_depth as number,
      maxEntries: o.max_files as number,
      exclude,
      signal: ctx.signal,
      onSkip: skip,
    });

    const oldCache = (ctx.memo.get(CACHE) as Map<string, CacheEntry> | undefined) ?? new Map<string, CacheEntry>();
    const newCache = new Map<string, CacheEntry>();
    const algoKey = algos.join(',');
    const regular: { path: string; st: Stats }[] = [];
    for (const e of walked.entries) {
      if (e.st.isFile()) {
        if (e.st.size > maxSize) skip(e.path, 'too large');
        else regular.push(e);
      } else {
        // FIFOs, sockets and devices are never opened: reading a FIFO blocks, a device may have side effects.
        skip(e.path, e.st.isSymbolicLink() ? 'symbolic link' : `not a regular file (${fileKind(e.st)})`);
      }
    }

    let bytesRead = 0;
    let cacheHits = 0;
    const buffers = new BufferPool();
    const results = await mapLimit(regular, o.concurrency as number, async ({ path, st }) => {
      if (ctx.signal.aborted) return null;
      const id = `${st.dev}:${st.ino}`;
      let entry = oldCache.get(id);
      if (entry && entry.size === st.size && entry.mtimeMs === st.mtimeMs && entry.algorithms === algoKey) {
        cacheHits++;
        if (entry.ctimeMs !== st.ctimeMs) {
          const caps = await readCapabilities(await ctx.fs.realPath(path));
          entry = { ...entry, ctimeMs: st.ctimeMs, capabilities: caps.text };
        }
      } else {
        let real: string;
        try {
          real = await ctx.fs.realPath(path);
        } catch (err) {
          skip(path, (err as Error).message);
          return null;
        }
        const parseThis = parseElfFiles && st.size <= elfMax;
        const r = await hashFile<ElfResult | null>(real, st, {
          algorithms: algos,
          // The ELF structures are read from the same open file once it is hashed, never the whole file.
          inspect: parseThis ? async (head, source) => (isElf(head) ? parseElf(source) : null) : undefined,
          buffers,
          signal: ctx.signal,
        });
        if (r.kind === 'skipped') {
          skip(path, r.reason);
          return null;
        }
        bytesRead += r.bytes;
        let elf = NO_ELF;
        const parsed = r.inspected;
        if (parsed) elf = parsed.ok ? elfColumns(parsed.elf) : { ...NO_ELF, elf_error: parsed.error };
        else if (parseElfFiles && isElf(r.head)) elf = { ...NO_ELF, elf_type: 'unknown', elf_error: `larger than elf_max_size (${elfMax} bytes)` };
        const caps = await readCapabilities(real);
        if (caps.error) ctx.parseError(path, `security.capability: ${caps.error}`);
        entry = {
          size: st.size,
          mtimeMs: st.mtimeMs,
          ctimeMs: st.ctimeMs,
          algorithms: algoKey,
          hashes: r.hashes,
          type: fileTypeOf(r.head, st.size),
          elf,
          capabilities: caps.text,
        };
      }
      newCache.set(id, entry);
      return {
        path,
        type: entry.type,
        mode: octalMode(st),
        uid: st.uid,
        gid: st.gid,
        size: st.size,
        mtime: Math.floor(st.mtimeMs / 1000),
        inode: st.ino,
        dev: st.dev,
        md5: entry.hashes.md5 ?? null,
        sha1: entry.hashes.sha1 ?? null,
        sha256: entry.hashes.sha256 ?? null,
        sha512: entry.hashes.sha512 ?? null,
        capabilities: entry.capabilities,
        ...entry.elf,
      } satisfies FactRow;
    });
    // Only files seen this time stay cached: the cache never outgrows the tree.
    ctx.memo.set(CACHE, newCache);

    const rows = results.filter((r): r is NonNullable<typeof r> => r !== null);
    const count = (values: string[]) => {
      const m = new Map<string, number>();
      for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
      return m;
    };
    const byReason = count(skips.map((s) => String(s.reason)));
    if (walked.truncated) byReason.set('max_files reached', (byReason.get('max_files reached') ?? 0) + 1);
    return [
      { name: 'files', rows },
      { name: 'file_skips', rows: skips },
      { name: 'files_skipped', rows: [...byReason].map(([reason, n]) => ({ reason, count: n })) },
      { name: 'files_by_type', rows: [...count(rows.map((r) => r.type))].map(([type, n]) => ({ type, count: n })) },
      { name: 'elf_properties', rows: [...count(rows.flatMap(elfProperties))].map(([property, n]) => ({ property, count: n })) },
      { name: 'file_capabilities', rows: rows.filter((r) => r.capabilities !== '').map((r) => ({ path: r.path, capabilities: r.capabilities })) },
      {
        name: 'files_summary',
        rows: [
          {
            files_hashed: rows.length,
            bytes_hashed: rows.reduce((n, r) => n + r.size, 0),
            bytes_read: bytesRead,
            cache_hits: cacheHits,
            truncated: walked.truncated,
          },
        ],
      },
      {
        name: 'file_series',
        rows: o.per_file_series ? rows.map((r) => ({ path: r.path, sha256: r.sha256 ?? '', mode: r.mode, uid: r.uid })) : [],
      },
    ];
  },
});
