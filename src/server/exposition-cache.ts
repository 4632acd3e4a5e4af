import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import type { Scheduler } from '../collectors/scheduler.js';
import type { Catalog } from '../metrics/catalog.js';
import { assembleExposition } from '../metrics/exposition.js';
import { renderHealth } from '../metrics/health.js';

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

interface Built {
  version: number;
  text: string;
  gz: Buffer;
}

/**
 * Holds the rendered exposition. Collectors render their series when they
 * refresh; shortly after something changed, the body is assembled again and
 * compressed on libuv's thread pool, off the scrape path. A scrape serves the
 * latest body as it is and only appends the exporter's live process metrics.
 * Gzip output is two gzip members (cached body + live part), which HTTP clients
 * and Prometheus read as one stream.
 */
export class ExpositionCache {
  private built: Built | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rebuilding: Promise<void> | null = null;
  /** The state version at which every collector had run once. */
  private readyVersion: number | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly catalog: Catalog,
    private readonly self: Registry,
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

  private build(filter?: ExpositionFilter): string {
    let states = this.scheduler.list();
    if (filter?.collect?.length) states = states.filter((s) => filter.collect!.includes(s.spec.name));
    if (filter?.exclude?.length) states = states.filter((s) => !filter.exclude!.includes(s.spec.name));
    const sources = states.map((s) => s.rendered?.samples ?? new Map<string, string>());
    sources.push(renderHealth(states));
    return assembleExposition(this.catalog, sources);
  }

  private scheduleRebuild(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.rebuild();
    }, REBUILD_DELAY_MS);
    this.timer.unref?.();
  }

  /** Assembles and compresses the current state; a newer change schedules another round. */
  private rebuild(): Promise<void> {
    if (this.rebuilding) {
      this.scheduleRebuild();
      return this.rebuilding;
    }
    const version = this.scheduler.version;
    const text = this.build();
    this.rebuilding = gzip(text, { level: 6 })
      .then((gz) => {
        if (!this.built || this.built.version < version) this.built = { version, text, gz };
      })
      .finally(() => {
        this.rebuilding = null;
      });
    return this.rebuilding;
  }

  /** The latest body; built at once only before the first one exists. */
  private async current(): Promise<Built> {
    if (!this.built) await this.rebuild();
    return this.built!;
  }

  async render(opts: { filter?: ExpositionFilter; gzip?: boolean } = {}): Promise<Exposition> {
    const filtered = !!(opts.filter?.collect?.length || opts.filter?.exclude?.length);
    // prom-client separates families with blank lines; the text format does not need them.
    const live = (await this.self.metrics()).replace(/\n{2,}/g, '\n');
    if (filtered) {
      const text = this.build(opts.filter) + live;
      return opts.gzip ? { text, gzip: gzipSync(text) } : { text };
    }
    const body = await this.current();
    if (!opts.gzip) return { text: body.text + live };
    return { text: body.text + live, gzip: Buffer.concat([body.gz, gzipSync(live, { level: 1 })]) };
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
