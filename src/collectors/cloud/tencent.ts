import { cloudCollector, dmiHas, emptyFacts, type CloudProvider } from './common.js';
import { requireOk, type MetadataClient } from './http.js';

const MD = '/latest/meta-data';

/** Tencent Cloud CVM metadata: plain GETs under /latest/meta-data (no token flow). */
export async function fetchTencent(client: MetadataClient) {
  const f = emptyFacts();
  f.instance_id = requireOk(await client.request('GET', `${MD}/instance-id`), 'instance-id');
  f.instance_type = (await client.text(`${MD}/instance/instance-type`)) ?? '';
  f.region = (await client.text(`${MD}/placement/region`)) ?? '';
  f.zone = (await client.text(`${MD}/placement/zone`)) ?? '';
  f.image = (await client.text(`${MD}/instance/image-id`)) ?? '';
  f.account = (await client.text(`${MD}/app-id`)) ?? '';
  return f;
}

export const TENCENT: CloudProvider = {
  name: 'cloud_tencent',
  provider: 'tencent',
  title: 'Tencent Cloud',
  defaultEndpoint: 'http://metadata.tencentyun.com',
  detect: (d) => dmiHas(d, ['sys_vendor', 'bios_vendor', 'board_vendor', 'chassis_vendor'], 'tencent'),
  fetch: fetchTencent,
};

export const cloudTencent = cloudCollector(TENCENT);
