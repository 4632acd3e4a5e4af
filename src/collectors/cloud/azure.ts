import { cloudCollector, emptyFacts, type CloudProvider } from './common.js';
import { parseJsonObject, requireOk, type MetadataClient } from './http.js';

/** The chassis asset tag every Azure VM carries (also used by cloud-init and the Azure agent). */
export const AZURE_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Azure IMDS: one JSON document; the `Metadata: true` header is required (400 without it). */
export async function fetchAzure(client: MetadataClient) {
  const f = emptyFacts();
  const doc = parseJsonObject(requireOk(await client.request('GET', '/metadata/instance?api-version=2021-02-01', { Metadata: 'true' }), 'metadata/instance'), 'Azure IMDS');
  const c = obj(doc.compute);
  f.instance_id = str(c.vmId);
  f.instance_type = str(c.vmSize);
  f.region = str(c.location);
  f.zone = str(c.zone);
  f.account = str(c.subscriptionId);
  const img = obj(obj(c.storageProfile).imageReference);
  f.image = str(img.id) || [img.publisher, img.offer, img.sku, img.version].filter((x) => typeof x === 'string' && x).join(':');
  if (Array.isArray(c.tagsList)) {
    for (const t of c.tagsList) if (typeof obj(t).name === 'string') f.tags.push([str(obj(t).name), str(obj(t).value)]);
  } else if (typeof c.tags === 'string' && c.tags) {
    for (const pair of c.tags.split(';')) {
      const i = pair.indexOf(':');
      if (i > 0) f.tags.push([pair.slice(0, i), pair.slice(i + 1)]);
    }
  }
  return f;
}

export const AZURE: CloudProvider = {
  name: 'cloud_azure',
  provider: 'azure',
  title: 'Azure',
  defaultEndpoint: 'http://169.254.169.254',
  detect: (d) => d.chassis_asset_tag === AZURE_ASSET_TAG || (d.sys_vendor === 'Microsoft Corporation' && d.product_name === 'Virtual Machine' && d.chassis_asset_tag === null),
  fetch: fetchAzure,
};

export const cloudAzure = cloudCollector(AZURE);
