import { readDmi, type DmiValues } from '../../host/sysfs/dmi.js';
import { defineCollector, MINUTE, SECOND, type CollectorSpec, type FactRow, type TableSpec } from '../types.js';
import { MetadataClient, MetadataHttpError } from './http.js';

export interface InstanceFacts {
  instance_id: string;
  instance_type: string;
  region: string;
  zone: string;
  image: string;
  account: string;
  iam_role: string;
  /** AWS/Alibaba: whether a request without a session token is answered (IMDSv1 / normal mode). */
  imdsv1_enabled: boolean | null;
  tags: [string, string][];
}

export function emptyFacts(): InstanceFacts {
  return { instance_id: '', instance_type: '', region: '', zone: '', image: '', account: '', iam_role: '', imdsv1_enabled: null, tags: [] };
}

export interface CloudProvider {
  /** Collector name (`cloud_aws`) and provider label (`aws`). */
  name: string;
  provider: string;
  title: string;
  defaultEndpoint: string;
  /** Whether the DMI data says the host runs on this provider. */
  detect(dmi: DmiValues): boolean;
  fetch(client: MetadataClient, opts: { maxTags: number }): Promise<InstanceFacts>;
}

export const CLOUD_TABLES: TableSpec[] = [
  {
    name: 'cloud_instance',
    key: ['provider'],
    description: 'One row when the host runs on this provider (DMI) or force is set: the instance as the metadata service describes it.',
    drift: true,
  },
  { name: 'cloud_tags', key: ['provider', 'key'], description: 'Instance tags or labels (capped count and value length).', drift: true },
];

/** Tag values are owner-chosen text: kept, but bounded. */
export const MAX_TAG_VALUE = 256;

export function capTags(tags: [string, string][], max: number): [string, string][] {
  return tags.slice(0, max).map(([k, v]) => [k.slice(0, MAX_TAG_VALUE), v.slice(0, MAX_TAG_VALUE)]);
}

const lower = (v: string | null | undefined) => (v ?? '').toLowerCase();
/** True when any of the DMI fields contains `needle` (case-insensitive). */
export function dmiHas(dmi: DmiValues, fields: (keyof DmiValues)[], needle: string): boolean {
  return fields.some((f) => lower(dmi[f]).includes(needle.toLowerCase()));
}

/** The collector of one provider: a no-op without network unless DMI matches or `force` is set. */
export function cloudCollector(p: CloudProvider): CollectorSpec {
  return defineCollector({
    name: p.name,
    area: 'cloud',
    description: `${p.title} instance metadata and tags from its metadata service; only on ${p.title} hosts (DMI) or with force.`,
    defaultEnabled: true,
    interval: 5 * MINUTE,
    timeout: 15 * SECOND,
    options: [
      { name: 'force', type: 'bool', default: false, help: `Query the metadata service even when DMI does not say ${p.title}.` },
      { name: 'endpoint', type: 'string', default: p.defaultEndpoint, help: 'Base URL of the metadata service.' },
      { name: 'timeout', type: 'duration', default: 2 * SECOND, help: 'Timeout of one metadata request.' },
      { name: 'max_tags', type: 'int', default: 50, help: 'Tags kept per instance (values cut to 256 characters).' },
    ],
    tables: CLOUD_TABLES,
    async collect(ctx) {
      const none = [
        { name: 'cloud_instance', rows: [] },
        { name: 'cloud_tags', rows: [] },
      ];
      if (!ctx.options.force) {
        const dmi = await readDmi(ctx.fs, ctx.parseError);
        if (dmi === null || !p.detect(dmi)) return none;
      }
      const client = new MetadataClient(ctx.options.endpoint as string, ctx.options.timeout as number, ctx.signal);
      const row: FactRow = { provider: p.provider, up: 1, info: 1, error: '' };
      let facts = emptyFacts();
      try {
        facts = await p.fetch(client, { maxTags: ctx.options.max_tags as number });
      } catch (err) {
        // The service answered but refused (IMDS disabled, 403, 404): reported as down. Transport failures fail the collector.
        if (!(err instanceof MetadataHttpError)) throw err;
        Object.assign(row, { up: 0, info: null, error: err.message });
      }
      const { tags, ...rest } = facts;
      Object.assign(row, rest);
      return [
        { name: 'cloud_instance', rows: [row] },
        { name: 'cloud_tags', rows: capTags(tags, ctx.options.max_tags as number).map(([key, value]) => ({ provider: p.provider, key, value })) },
      ];
    },
  });
}

