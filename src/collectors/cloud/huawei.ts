import { cloudCollector, dmiHas, emptyFacts, type CloudProvider } from './common.js';
import { parseJsonObject, requireOk, type MetadataClient } from './http.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Huawei Cloud ECS: the OpenStack metadata document (uuid, availability_zone, meta) plus the
 * EC2-compatible /latest/meta-data paths for the flavor and image.
 */
export async function fetchHuawei(client: MetadataClient, opts: { maxTags: number }) {
  const f = emptyFacts();
  const doc = parseJsonObject(requireOk(await client.request('GET', '/openstack/latest/meta_data.json'), 'openstack/latest/meta_data.json'), 'Huawei metadata');
  f.instance_id = str(doc.uuid);
  f.zone = str(doc.availability_zone);
  f.region = str(doc.region_id) || f.zone.replace(/[a-z]$/, '');
  f.account = str(doc.project_id);
  f.instance_type = (await client.text('/latest/meta-data/instance-type')) ?? '';
  f.image = (await client.text('/latest/meta-data/ami-id')) ?? '';
  const meta = doc.meta && typeof doc.meta === 'object' ? (doc.meta as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(meta).slice(0, opts.maxTags)) if (typeof v === 'string') f.tags.push([k, v]);
  return f;
}

export const HUAWEI: CloudProvider = {
  name: 'cloud_huawei',
  provider: 'huawei',
  title: 'Huawei Cloud',
  defaultEndpoint: 'http://169.254.169.254',
  // Huawei ECS are OpenStack Nova VMs whose chassis asset tag is HUAWEICLOUD (cloud-init checks the same).
  detect: (d) => d.chassis_asset_tag === 'HUAWEICLOUD' || dmiHas(d, ['sys_vendor', 'product_name'], 'huawei cloud') || dmiHas(d, ['sys_vendor', 'product_name'], 'huaweicloud'),
  fetch: fetchHuawei,
};

export const cloudHuawei = cloudCollector(HUAWEI);
