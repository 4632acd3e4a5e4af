import type { Registry } from 'prom-client';
import type { CollectorState, Scheduler } from '../collectors/scheduler.js';
import type { Catalog } from '../metrics/catalog.js';
import type { RenderedCollector } from '../metrics/exposition.js';
import { familyHeader, OPENMETRICS_EOF, withCreated, type ExpositionFormat } from '../metrics/formats.js';
import { renderHealth, type HealthDetail } from '../metrics/health.js';
import { deflateSegment, deflateSegmentSync, gzipJoin, joinDeflated, type Deflated, type Segment } from './deflate-segments.js';
import { PROCESS_START_SECONDS, renderLive } from './self-metrics.js';

/** Refreshes that land together (startup, collectors on the same interval) make one rebuild. */
const REBUILD_DELAY_MS = 25;

export interface ExpositionFilter {
  collect?: string[];
  exclude?: string[];
}

export interface Exposition {
  text: string;
  gzip?: Buffer;
}

interface Parts {
  own: Segment;
  shared: Map<string, Segment>;
}

/** Segments in order, and already joined for gzip; the text is joined only for clients that do not take gzip. */
interface Body {
  segments: Segment[];
  joined: Deflated;
}

interface Built {
  version: number;
  states: CollectorState[];
  /** The unfiltered body per format, for the formats asked for so far. */
  full: Map<ExpositionFormat, Body>;
  /** Health of every collector at this version, per format. */
  health: Map<ExpositionFormat, Segment>;
  /** Filtered bodies at this version, by format and selection. */
  filtered: Map<string, { body: Body; health: Segment }>;
}

/** Selections kept per state version: a few scrape jobs each, not one per client. */
const MAX_CACHED_SELECTIONS = 16;

/**
 * Holds the rendered exposition as pre-rendered, pre-compressed segments per
 * collector and format. Collectors render their series when they refresh; shortly
 * after, the segments of the collectors that changed are compressed on libuv's
 * thread pool, off the scrape path. A scrape, full or filtered by `collect[]`,
 * concatenates segments into one gzip stream (see deflate-segments.ts). Only the
 * small health and live parts are rendered and compressed per scrape.
 */
export class ExpositionCache {
  private built: Built | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rebuilding: Promise<void> | null = null;
  /** The state version at which every collector had run once. */
  private readyVersion: number | null = null;
  /** Segments per rendered result: a collector that did not change keeps its segments. */
  private readonly segments = new WeakMap<RenderedCollector, Map<ExpositionFormat, Parts>>();
  /** Families more than one collector emits, in catalog order. */
  private readonly shared: Set<string>;
  private readonly headers = new Map<string, Segment>();
  /** Formats asked for at least once: rebuilds prepare them ahead of scrapes. */
  private readonly wanted = new Set<ExpositionFormat>(['text']);

  constructor(
    private readonly scheduler: Scheduler,
    private readonly catalog: Catalog,
    private readonly self: Registry,
    private readonly healthDetail: HealthDetail = 'basic',
  ) {
    const owners = new Map<string, Set<string>>();
    for (const f of catalog.families) owners.set(f.name, (owners.get(f.name) ?? new Set()).add(f.collector));
    this.shared = new Set([...owners].filter(([, c]) => c.size > 1).map(([name]) => name));
    scheduler.onChange(() => {
      if (this.readyVersion === null && scheduler.ready()) this.readyVersion = scheduler.version;
      this.scheduleRebuild();
    });
  }

  /** Every collector has run once and the served body includes those first results. */
  ready(): boolean {
    if (this.scheduler.list().length === 0) return true;
    return this.readyVersion !== null && this.built !== null && this.built.version >= this.readyVersion;
  }

  /**
   * A collector's parts: the families only it emits, with HELP and TYPE, as one segment;
   * and for each family it shares with other collectors (packages, package sources,
   * cloud metadata…), its samples alone, placed under one header when assembled.
   */
  private async parts(rendered: RenderedCollector, format: ExpositionFormat): Promise<Parts> {
    let byFormat = this.segments.get(rendered);
    const have = byFormat?.get(format);
    if (have) return have;
    let own = '';
    const sharedText = new Map<string, string>();
    for (const [name, samples] of rendered.samples) {
      const fam = this.catalog.byName.get(name);
      if (!fam) continue;
      if (this.shared.has(name)) sharedText.set(name, samples);
      else own += familyHeader(format, fam) + samples;
    }
    const shared = new Map<string, Segment>();
    for (const [name, text] of sharedText) shared.set(name, await this.compress(text));
    const parts = { own: await this.compress(own), shared };
    if (!byFormat) this.segments.set(rendered, (byFormat = new Map()));
    byFormat.set(format, parts);
    return parts;
  }

  private compress(text: string): Promise<Segment> {
    return deflateSegment(text);
  }

  /** HELP and TYPE of a shared family, once per format. */
  private async sharedHeader(name: string, format: ExpositionFormat): Promise<Segment> {
    const key = `${format} ${name}`;
    let seg = this.headers.get(key);
    if (!seg) this.headers.set(key, (seg = await this.compress(familyHeader(format, this.catalog.byName.get(name)!))));
    return seg;
  }

  /** Health series of the given collectors; small, so rendered per request. */
  private healthText(states: CollectorState[], format: ExpositionFormat): string {
    let out = '';
    for (const [name, samples] of renderHealth(states, this.healthDetail)) {
      const fam = this.catalog.byName.get(name)!;
      out += familyHeader(format, fam);
      out += format === 'openmetrics' && fam.type === 'counter' ? withCreated(name, samples, PROCESS_START_SECONDS) : samples;
    }
    return out;
  }

  /** Each collector's own segment, then each shared family: its header and every collector's samples. */
  private async assemble(states: CollectorState[], format: ExpositionFormat): Promise<Body> {
    const segments: Segment[] = [];
    const shared = new Map<string, Segment[]>();
    for (const s of states) {
      if (!s.rendered) continue;
      // Cached parts are taken synchronously: a filtered scrape then never yields per collector.
      const p = this.segments.get(s.rendered)?.get(format) ?? (await this.parts(s.rendered, format));
      if (p.own.text) segments.push(p.own);
      for (const [name, seg] of p.shared) {
        const list = shared.get(name);
        if (list) list.push(seg);
        else shared.set(name, [seg]);
      }
    }
    for (const name of this.shared) {
      const list = shared.get(name);
      if (list) segments.push(this.headers.get(`${format} ${name}`) ?? (await this.sharedHeader(name, format)), ...list);
    }
    return { segments, joined: joinDeflated(segments) };
  }

  private scheduleRebuild(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.rebuild();
    }, REBUILD_DELAY_MS);
    this.timer.unref?.();
  }

  /** Prepares the segments of the current state; a newer change schedules another round. */
  private rebuild(): Promise<void> {
    if (this.rebuilding) {
      this.scheduleRebuild();
      return this.rebuilding;
    }
    const version = this.scheduler.version;
    const states = [...this.scheduler.list()];
    this.rebuilding = (async () => {
      const full = new Map<ExpositionFormat, Body>();
      for (const format of this.wanted) full.set(format, await this.assemble(states, format));
      if (!this.built || this.built.version < version) this.built = { version, states, full, health: new Map(), filtered: new Map() };
    })().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  /** The latest body; built at once only before the first one exists. */
  private async current(): Promise<Built> {
    if (!this.built) await this.rebuild();
    return this.built!;
  }

  async render(opts: { filter?: ExpositionFilter; gzip?: boolean; format?: ExpositionFormat } = {}): Promise<Exposition> {
    const format = opts.format ?? 'text';
    const built = await this.current();
    const collect = opts.filter?.collect ?? [];
    const exclude = opts.filter?.exclude ?? [];
    let body: Body;
    let health: Segment;
    if (collect.length || exclude.length) {
      // The same selection scraped again before anything changed (a slow Prometheus job) is served as is.
      const key = `${format}\0${collect.join('\0')}\0\0${exclude.join('\0')}`;
      let hit = built.filtered.get(key);
      if (!hit) {
        const only = new Set(collect);
        const not = new Set(exclude);
        const states = built.states.filter((s) => (only.size === 0 || only.has(s.spec.name)) && !not.has(s.spec.name));
        hit = { body: await this.assemble(states, format), health: deflateSegmentSync(this.healthText(states, format)) };
        if (built.filtered.size >= MAX_CACHED_SELECTIONS) built.filtered.delete(built.filtered.keys().next().value!);
        built.filtered.set(key, hit);
      }
      ({ body, health } = hit);
    } else {
      let full = built.full.get(format);
      if (!full) {
        this.wanted.add(format);
        full = await this.assemble(built.states, format);
        built.full.set(format, full);
      }
      body = full;
      let h = built.health.get(format);
      if (!h) {
        built.health.set(format, (h = deflateSegmentSync(this.healthText(built.states, format))));
      }
      health = h;
    }
    // The exporter's live process metrics change every scrape: rendered and compressed here.
    let live = await renderLive(this.self, this.catalog, format);
    if (format === 'openmetrics') live += OPENMETRICS_EOF;
    if (!opts.gzip) return { text: body.segments.map((x) => x.text).join('') + health.text + live };
    return { text: '', gzip: gzipJoin([body.joined, health, deflateSegmentSync(live)]) };
  }

  /** Waits until the body reflects every change so far (tests, `collect`). */
  async settle(): Promise<void> {
    while (!this.built || this.built.version !== this.scheduler.version || this.timer || this.rebuilding) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      await this.rebuild();
    }
  }
}
