import { gzipSync } from 'node:zlib';
import type { Registry } from 'prom-client';
import type { Scheduler } from '../collectors/scheduler.js';
import type { Catalog } from '../metrics/catalog.js';
import { assembleExposition } from '../metrics/exposition.js';
import { renderHealth } from '../metrics/health.js';

export interface ExpositionFilter {
  collect?: string[];
  exclude?: string[];
}

export interface Exposition {
  text: string;
  gzip?: Buffer;
}

/**
 * Holds the rendered exposition. Collectors render their series when they
 * refresh; the body is assembled again only after something changed, and a
 * scrape then only appends the exporter's live process metrics. Gzip output is
 * two gzip members (cached static part + live part), which HTTP clients and
 * Prometheus read as one stream.
 */
export class ExpositionCache {
  private version = -1;
  private text = '';
  private gz: Buffer | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly catalog: Catalog,
    private readonly self: Registry,
  ) {}

  private build(filter?: ExpositionFilter): string {
    let states = this.scheduler.list();
    if (filter?.collect?.length) states = states.filter((s) => filter.collect!.includes(s.spec.name));
    if (filter?.exclude?.length) states = states.filter((s) => !filter.exclude!.includes(s.spec.name));
    const sources = states.map((s) => s.rendered?.samples ?? new Map<string, string>());
    sources.push(renderHealth(states));
    return assembleExposition(this.catalog, sources);
  }

  private current(): string {
    if (this.version !== this.scheduler.version) {
      this.version = this.scheduler.version;
      this.text = this.build();
      this.gz = null;
    }
    return this.text;
  }

  async render(opts: { filter?: ExpositionFilter; gzip?: boolean } = {}): Promise<Exposition> {
    const filtered = !!(opts.filter?.collect?.length || opts.filter?.exclude?.length);
    const base = filtered ? this.build(opts.filter) : this.current();
    // prom-client separates families with blank lines; the text format does not need them.
    const live = (await this.self.metrics()).replace(/\n{2,}/g, '\n');
    if (!opts.gzip) return { text: base + live };
    let head: Buffer;
    if (filtered) head = gzipSync(base);
    else head = this.gz ??= gzipSync(base, { level: 6 });
    return { text: base + live, gzip: Buffer.concat([head, gzipSync(live, { level: 1 })]) };
  }
}
