import { cloudCollector, dmiHas, emptyFacts, type CloudProvider } from './common.js';
import { requireOk, type MetadataClient } from './http.js';

const MD = '/latest/meta-data';

/**
 * Alibaba Cloud ECS metadata. Hardened mode: PUT /latest/api/token with
 * X-aliyun-ecs-metadata-token-ttl-seconds, then X-aliyun-ecs-metadata-token on every GET.
 * A GET without the token that succeeds means normal (unhardened) mode, reported like IMDSv1.
 */
export async function fetchAlibaba(client: MetadataClient, opts: { maxTags: number }) {
  const f = emptyFacts();
  const tokenRes = await client.request('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '21600' });
  const h: Record<string, string> = tokenRes.status === 200 ? { 'X-aliyun-ecs-metadata-token': tokenRes.body.trim() } : {};
  f.instance_id = requireOk(await client.request('GET', `${MD}/instance-id`, h), 'instance-id');
  f.imdsv1_enabled = (await client.request('GET', `${MD}/instance-id`)).status === 200;
  f.instance_type = (await client.text(`${MD}/instance/instance-type`, h)) ?? '';
  f.region = (await client.text(`${MD}/region-id`, h)) ?? '';
  f.zone = (await client.text(`${MD}/zone-id`, h)) ?? '';
  f.image = (await client.text(`${MD}/image-id`, h)) ?? '';
  f.account = (await client.text(`${MD}/owner-account-id`, h)) ?? '';
  f.iam_role = (await client.text(`${MD}/ram/security-credentials/`, h))?.split('\n')[0]?.trim() ?? '';
  const keys = await client.text(`${MD}/tags/instance/`, h);
  for (const key of (keys ?? '').split('\n').map((k) => k.trim()).filter(Boolean).slice(0, opts.maxTags)) {
    const value = await client.text(`${MD}/tags/instance/${encodeURIComponent(key)}`, h);
    if (value !== null) f.tags.push([key, value]);
  }
  return f;
}

export const ALIBABA: CloudProvider = {
  name: 'cloud_alibaba',
  provider: 'alibaba',
  title: 'Alibaba Cloud',
  defaultEndpoint: 'http://100.100.100.200',
  detect: (d) => d.product_name === 'Alibaba Cloud ECS' || dmiHas(d, ['sys_vendor'], 'alibaba cloud'),
  fetch: fetchAlibaba,
};

export const cloudAlibaba = cloudCollector(ALIBABA);
