import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// YAML is parsed at build time; at run time only when the compiled catalog is stale (development).
import { parseYaml } from '../util/yaml.js';

/** Where the catalog lives: `metrics/` at the package root (same depth from src/ and dist/). */
export const CATALOG_DIR = fileURLToPath(new URL('../../metrics/', import.meta.url));

export type FamilyType = 'gauge' | 'counter';

/** One metric family of the catalog: how a fact table becomes series. */
export interface CatalogFamily {
  name: string;
  type: FamilyType;
  help: string;
  unit: string;
  /** The collector that emits it, or `exporter` for the exporter's own metrics. */
  collector: string;
  /** The fact table it is built from; absent for families the exporter computes itself. */
  table?: string;
  labels: string[];
  /** A column holding the value, or a constant (1 for `_info` series). */
  value: string | number;
  /** A per-item family (one series per row): capped, drops counted. */
  perItem: boolean;
  /** Default series cap of a per-item family; the collector's `max_series` overrides it. */
  cap?: number;
  cardinality: string;
  /** Why the fixture host does not emit this family (checked by the catalog test). */
  absentInFixture?: string;
  /** The catalog file it comes from (for docs and errors). */
  file: string;
}

export interface CatalogEvent {
  name: string;
  severity: string;
  source: string;
  description: string;
  attributes: string[];
  file: string;
}

export interface Catalog {
  families: CatalogFamily[];
  byName: Map<string, CatalogFamily>;
  events: CatalogEvent[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function fail(file: string, msg: string): never {
  throw new Error(`metric catalog ${file}: ${msg}`);
}

function str(file: string, where: string, v: unknown, optional = false): string {
  if (v === undefined && optional) return '';
  if (typeof v !== 'string' || (!optional && v.trim() === '')) fail(file, `${where} must be a non-empty string`);
  return v;
}

const FAMILY_KEYS = new Set(['name', 'type', 'help', 'unit', 'collector', 'table', 'labels', 'value', 'per_item', 'cap', 'cardinality', 'absent_in_fixture']);

function parseFamily(file: string, raw: unknown, i: number): CatalogFamily {
  if (!raw || typeof raw !== 'object') fail(file, `families[${i}] must be a mapping`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!FAMILY_KEYS.has(k)) fail(file, `families[${i}]: unknown key "${k}"`);
  const name = str(file, `families[${i}].name`, r.name);
  if (!NAME_RE.test(name)) fail(file, `${name}: invalid metric name`);
  const type = r.type;
  if (type !== 'gauge' && type !== 'counter') fail(file, `${name}: type must be gauge or counter`);
  if (type === 'counter' && !name.endsWith('_total')) fail(file, `${name}: counter names end in _total`);
  const labels = r.labels ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || !LABEL_RE.test(l) || l.startsWith('__')))
    fail(file, `${name}: labels must be a list of label names`);
  if (new Set(labels).size !== labels.length) fail(file, `${name}: duplicate label`);
  const value = r.value ?? 1;
  if (typeof value !== 'string' && typeof value !== 'number') fail(file, `${name}: value must be a column name or a number`);
  // An _info family is 1 per row, or a column that is 1 or null (no series), e.g. only while an engine is up.
  if (name.endsWith('_info') && typeof value === 'number' && value !== 1) fail(file, `${name}: _info series have the value 1`);
  const perItem = r.per_item ?? false;
  if (typeof perItem !== 'boolean') fail(file, `${name}: per_item must be true or false`);
  if (r.cap !== undefined && (!Number.isInteger(r.cap) || (r.cap as number) <= 0)) fail(file, `${name}: cap must be a positive integer`);
  const table = r.table === undefined ? undefined : str(file, `${name}.table`, r.table);
  return {
    name,
    type,
    help: str(file, `${name}.help`, r.help),
    unit: str(file, `${name}.unit`, r.unit, true),
    collector: str(file, `${name}.collector`, r.collector),
    ...(table !== undefined ? { table } : {}),
    labels: labels as string[],
    value,
    perItem,
    ...(r.cap !== undefined ? { cap: r.cap as number } : {}),
    cardinality: str(file, `${name}.cardinality`, r.cardinality),
    ...(r.absent_in_fixture !== undefined ? { absentInFixture: str(file, `${name}.absent_in_fixture`, r.absent_in_fixture) } : {}),
    file,
  };
}

function parseEvent(file: string, raw: unknown, i: number): CatalogEvent {
  if (!raw || typeof raw !== 'object') fail(file, `events[${i}] must be a mapping`);
  const r = raw as Record<string, unknown>;
  const name = str(file, `events[${i}].name`, r.name);
  const attributes = r.attributes ?? [];
  if (!Array.isArray(attributes) || attributes.some((a) => typeof a !== 'string')) fail(file, `${name}: attributes must be a list`);
  return {
    name,
    severity: str(file, `${name}.severity`, r.severity),
    source: str(file, `${name}.source`, r.source),
    description: str(file, `${name}.description`, r.description),
    attributes: attributes as string[],
    file,
  };
}

/** Parses catalog YAML documents (file name → text). Pure, for tests. */
export function parseCatalog(files: Record<string, string>): Catalog {
  const families: CatalogFamily[] = [];
  const events: CatalogEvent[] = [];
  for (const [file, text] of Object.entries(files)) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      fail(file, (err as Error).message);
    }
    if (!doc || typeof doc !== 'object') fail(file, 'expected a mapping with "families" or "events"');
    const d = doc as Record<string, unknown>;
    if (d.families !== undefined) {
      if (!Array.isArray(d.families)) fail(file, 'families must be a list');
      d.families.forEach((f, i) => families.push(parseFamily(file, f, i)));
    }
    if (d.events !== undefined) {
      if (!Array.isArray(d.events)) fail(file, 'events must be a list');
      d.events.forEach((e, i) => events.push(parseEvent(file, e, i)));
    }
  }
  families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map<string, CatalogFamily>();
  for (const f of families) {
    const prev = byName.get(f.name);
    if (prev) {
      // One family may be fed by several collectors (package_info by deb, rpm, …), but must agree on its shape.
      if (prev.type !== f.type || prev.help !== f.help || prev.labels.join() !== f.labels.join())
        fail(f.file, `${f.name} is also declared in ${prev.file} with another type, help or labels`);
    } else byName.set(f.name, f);
  }
  return { families, byName, events };
}

let cached: Catalog | null = null;

/** The catalog compiled by `npm run build` (scripts/build-catalog.mjs), beside the compiled module. */
export const COMPILED_CATALOG = fileURLToPath(new URL('./catalog.json', import.meta.url));

interface CompiledCatalog {
  /** Name, size and mtime of each YAML file it was compiled from. */
  sources: [string, number, number][];
  families: CatalogFamily[];
  events: CatalogEvent[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort();
}

export function catalogSources(dir = CATALOG_DIR): [string, number, number][] {
  return yamlFiles(dir).map((n) => {
    const st = statSync(path.join(dir, n));
    return [n, st.size, Math.round(st.mtimeMs)];
  });
}

/** The compiled catalog, if it exists and was compiled from the YAML files as they are now. */
function compiled(dir: string): Catalog | null {
  if (!existsSync(COMPILED_CATALOG)) return null;
  const c = JSON.parse(readFileSync(COMPILED_CATALOG, 'utf8')) as CompiledCatalog;
  if (JSON.stringify(c.sources) !== JSON.stringify(catalogSources(dir))) return null;
  const byName = new Map<string, CatalogFamily>();
  for (const f of c.families) if (!byName.has(f.name)) byName.set(f.name, f);
  return { families: c.families, byName, events: c.events };
}

/** Loads every `metrics/*.yaml` once (from the compiled copy when it is current). */
export function loadCatalog(dir = CATALOG_DIR): Catalog {
  if (dir === CATALOG_DIR && cached) return cached;
  let catalog = dir === CATALOG_DIR ? compiled(dir) : null;
  if (!catalog) {
    const files: Record<string, string> = {};
    for (const name of yamlFiles(dir)) files[name] = readFileSync(path.join(dir, name), 'utf8');
    catalog = parseCatalog(files);
  }
  if (dir === CATALOG_DIR) cached = catalog;
  return catalog;
}
