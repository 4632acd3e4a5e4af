import { cloudCollector, dmiHas, emptyFacts, type CloudProvider } from './common.js';
import { requireOk, type MetadataClient } from './http.js';

const TOKEN_TTL = '21600';
const MD = '/latest/meta-data';

/**
 * AWS EC2 IMDS. IMDSv2: PUT /latest/api/token, then every GET carries the token. A GET
 * without a token that still succeeds means IMDSv1 is allowed: a finding (SSRF can read it).
 * Only the IAM role *name* is read (the listing of iam/security-credentials/), never its credentials.
 */
export async function fetchAws(client: MetadataClient, opts: { maxTags: number }) {
  const f = emptyFacts();
  const tokenRes = await client.request('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL });
  const headers: Record<string, string> = tokenRes.status === 200 ? { 'X-aws-ec2-metadata-token': tokenRes.body.trim() } : {};
  f.instance_id = requireOk(await client.request('GET', `${MD}/instance-id`, headers), 'instance-id');
  f.imdsv1_enabled = (await client.request('GET', `${MD}/instance-id`)).status === 200;
  f.instance_type = (await client.text(`${MD}/instance-type`, headers)) ?? '';
  f.image = (await client.text(`${MD}/ami-id`, headers)) ?? '';
  f.zone = (await client.text(`${MD}/placement/availability-zone`, headers)) ?? '';
  f.region = (await client.text(`${MD}/placement/region`, headers)) ?? f.zone.replace(/[a-z]$/, '');
  const roles = await client.text(`${MD}/iam/security-credentials/`, headers);
  f.iam_role = roles?.split('\n')[0]?.trim() ?? '';
  // Tags are only in IMDS when "instance metadata tags" is on; 404 otherwise.
  const keys = await client.text(`${MD}/tags/instance`, headers);
  for (const key of (keys ?? '').split('\n').map((k) => k.trim()).filter(Boolean).slice(0, opts.maxTags)) {
    const value = await client.text(`${MD}/tags/instance/${encodeURIComponent(key)}`, headers);
    if (value !== null) f.tags.push([key, value]);
  }
  return f;
}

export const AWS: CloudProvider = {
  name: 'cloud_aws',
  provider: 'aws',
  title: 'AWS EC2',
  defaultEndpoint: 'http://169.254.169.254',
  // Nitro instances say "Amazon EC2"; older Xen ones carry "amazon" in the BIOS/product version.
  detect: (d) => dmiHas(d, ['sys_vendor', 'bios_vendor', 'board_vendor'], 'amazon ec2') || dmiHas(d, ['bios_version', 'product_version'], 'amazon'),
  fetch: fetchAws,
};

export const cloudAws = cloudCollector(AWS);
