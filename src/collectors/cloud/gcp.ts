import { cloudCollector, dmiHas, emptyFacts, type CloudProvider } from './common.js';
import { parseJsonObject, requireOk, type MetadataClient } from './http.js';

const last = (v: unknown) => (typeof v === 'string' ? v.split('/').pop()! : typeof v === 'number' ? String(v) : '');

/**
 * GCP metadata server: instance/?recursive=true with `Metadata-Flavor: Google` (403 without it).
 * Only identity, placement, image and network tags are kept: `attributes` can hold ssh-keys and
 * startup scripts, and service-account tokens are never requested.
 */
export async function fetchGcp(client: MetadataClient) {
  const f = emptyFacts();
  const r = await client.request('GET', '/computeMetadata/v1/instance/?recursive=true', { 'Metadata-Flavor': 'Google' });
  const body = requireOk(r, 'computeMetadata/v1/instance');
  const doc = parseJsonObject(body, 'GCP metadata');
  // The instance id is a 64-bit JSON number: JSON.parse would round it, so it is taken from the text.
  const rawId = /"id"\s*:\s*(\d+)/.exec(body);
  f.instance_id = rawId ? rawId[1]! : typeof doc.id === 'string' ? doc.id : '';
  f.instance_type = last(doc.machineType);
  f.zone = last(doc.zone);
  f.region = f.zone.replace(/-[a-z]$/, '');
  f.image = typeof doc.image === 'string' ? doc.image.replace(/^projects\//, '') : '';
  const zone = typeof doc.zone === 'string' ? /^projects\/([^/]+)\//.exec(doc.zone) : null;
  f.account = zone ? zone[1]! : '';
  if (Array.isArray(doc.tags)) for (const t of doc.tags) if (typeof t === 'string') f.tags.push([t, '']);
  return f;
}

export const GCP: CloudProvider = {
  name: 'cloud_gcp',
  provider: 'gcp',
  title: 'Google Cloud',
  defaultEndpoint: 'http://metadata.google.internal',
  detect: (d) => d.product_name === 'Google Compute Engine' || d.sys_vendor === 'Google' || d.bios_vendor === 'Google' || dmiHas(d, ['product_name'], 'google compute'),
  fetch: fetchGcp,
};

export const cloudGcp = cloudCollector(GCP);
