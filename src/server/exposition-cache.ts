import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import type { CollectorState, Scheduler } from '../collectors/scheduler.js';
import type { Catalog } from '../metrics/catalog.js';
import type { RenderedCollector } from '../metrics/exposition.js';
import { familyHeader, OPENMETRICS_EOF, withCreated, type ExpositionFormat } from '../metrics/formats.js';
import { renderHealth, type HealthDetail } from '../metrics/health.js';
import { PROCESS_START_SECONDS, renderLive } from './self-metrics.js';

const gzip = promisify(gzipCb);

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

/** One collector's families in one format, as text and as a gzip member. */
interface Segment {
  text: string;
  gz: Buffer;
}

/** Segments joined lazily: the text is only needed by clients that do not take gzip. */
interface Body {
  segments: Segment[];
  gz: Buffer;
}

interface Built {
  version: number;
  states: CollectorState[];
  /** The unfiltered body per format, for the formats asked for so far. */
  full: Map<ExpositionFormat, Body>;
  /** Health of every collector at this version, per format. */
  health: Map<ExpositionFormat, Segment>;
}

/**
 * Holds the rendered exposition as one pre-rendered, pre-compressed segment per
 * collector and format. Collectors render their series when they refresh; shortly
 * after, the segments of the collectors that changed are compressed on libuv's
 * thread pool, off the scrape path. A scrape, full or filtered by `collect[]`,
 * concatenates segments: gzip members concatenate into one valid stream, which HTTP
 * clients and Prometheus read as one body. Only the small health and live parts are
 * rendered per scrape.
 */
export class ExpositionCache {
  private built: Built | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rebuilding: Promise<void> | null = null;
  /** The state version at which every collector had run once. */
  private readyVersion: number | null = null;
  /** Segments per rendered result: a collector that did not change keeps its segments. */
  private readonly segments = new WeakMap<RenderedCollector, Map<ExpositionFormat, Segment>>();
  /** Formats asked for at least once: rebuilds prepare them ahead of scrapes. */
  private readonly wanted = new Set<ExpositionFormat>(['text']);

  constructor(
    private readonly scheduler: Scheduler,
    private readonly catalog: Catalog,
    private readonly self: Registry,
    private readonly healthDetail: HealthDetail = 'basic',
  ) {
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

  /** A collector's families in catalog order, HELP and TYPE once each. */
  private segmentText(rendered: RenderedCollector, format: ExpositionFormat): string {
    let out = '';
    for (const [name, samples] of rendered.samples) {
      const fam = this.catalog.byName.get(name);
      if (!fam) continue;
      out += familyHeader(format, fam) + samples;
    }
    return out;
  }

  private async segment(rendered: RenderedCollector, format: ExpositionFormat): Promise<Segment> {
    let byFormat = this.segments.get(rendered);
    const have = byFormat?.get(format);
    if (have) return have;
    const text = this.segmentText(rendered, format);
    const seg = { text, gz: await gzip(text, { level: 6 }) };
    if (!byFormat) this.segments.set(rendered, (byFormat = new Map()));
    byFormat.set(format, seg);
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

  private async assemble(states: CollectorState[], format: ExpositionFormat): Promise<Body> {
    const segments: Segment[] = [];
    for (const s of states) if (s.rendered) segments.push(await this.segment(s.rendered, format));
    return { segments, gz: Buffer.concat(segments.map((x) => x.gz)) };
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
      if (!this.built || this.built.version < version) this.built = { version, states, full, health: new Map() };
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
      const only = new Set(collect);
      const not = new Set(exclude);
      const states = built.states.filter((s) => (only.size === 0 || only.has(s.spec.name)) && !not.has(s.spec.name));
      body = await this.assemble(states, format);
      const text = this.healthText(states, format);
      health = { text, gz: opts.gzip ? gzipSync(text, { level: 1 }) : Buffer.alloc(0) };
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
        const text = this.healthText(built.states, format);
        built.health.set(format, (h = { text, gz: gzipSync(text, { level: 1 }) }));
      }
      health = h;
    }
    // The exporter's live process metrics change every scrape: rendered and compressed here.
    let live = await renderLive(this.self, this.catalog, format);
    if (format === 'openmetrics') live += OPENMETRICS_EOF;
    if (!opts.gzip) return { text: body.segments.map((x) => x.text).join('') + health.text + live };
    return {
      text: '',
      gzip: Buffer.concat([body.gz, health.gz, gzipSync(live, { level: 1 })]),
    };
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
