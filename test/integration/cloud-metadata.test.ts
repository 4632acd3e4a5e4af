import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudAlibaba } from '../../src/collectors/cloud/alibaba.js';
import { cloudAws } from '../../src/collectors/cloud/aws.js';
import { AZURE_ASSET_TAG, cloudAzure } from '../../src/collectors/cloud/azure.js';
import { carbonBlack } from '../../src/collectors/cloud/carbon-black.js';
import { cloudGcp } from '../../src/collectors/cloud/gcp.js';
import { cloudHuawei } from '../../src/collectors/cloud/huawei.js';
import { cloudTencent } from '../../src/collectors/cloud/tencent.js';
import { cloudCollectors } from '../../src/collectors/cloud/index.js';
import { collectOnce, fixturePath, schedulerFor, tempDir } from '../helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A metadata service on loopback; records every request as "METHOD path". */
async function serve(handler: Handler): Promise<{ url: string; log: string[] }> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

/** A host root whose /sys/class/dmi/id says the given vendor strings. */
function dmiRoot(fields: Record<string, string>): string {
  const root = tempDir('hb-cloud-');
  const dir = path.join(root, 'sys/class/dmi/id');
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(fields)) writeFileSync(path.join(dir, k), v + '\n');
  return root;
}

/** EC2 IMDS: IMDSv2 token flow; `v1` decides whether token-less GETs are answered. */
function imds(opts: { v1: boolean; tokenHeader: string; sessionHeader: string; paths: Record<string, string> }): Handler {
  const TOKEN = 'AQAEAFake-session-token==';
  return (req, res) => {
    const url = req.url!;
    if (url === '/latest/api/token') {
      if (req.method !== 'PUT') return send(res, 405, '');
      if (!req.headers[opts.tokenHeader.toLowerCase()]) return send(res, 400, 'Missing TTL header');
      return send(res, 200, TOKEN);
    }
    const token = req.headers[opts.sessionHeader.toLowerCase()];
    if (token !== undefined && token !== TOKEN) return send(res, 401, '');
    if (token === undefined && !opts.v1) return send(res, 401, '');
    if (url.includes('security-credentials/') && !url.endsWith('/')) return send(res, 500, 'the exporter must never ask for credentials');
    const body = opts.paths[url];
    return body === undefined ? send(res, 404, 'Not Found') : send(res, 200, body);
  };
}

const AWS_PATHS = {
  '/latest/meta-data/instance-id': 'i-0abc123def4567890',
  '/latest/meta-data/instance-type': 'm6i.large',
  '/latest/meta-data/ami-id': 'ami-0fc5d935ebf8bc3bc',
  '/latest/meta-data/placement/availability-zone': 'eu-west-1b',
  '/latest/meta-data/placement/region': 'eu-west-1',
  '/latest/meta-data/iam/security-credentials/': 'web-server-role',
  '/latest/meta-data/tags/instance': 'Name\nenv\ncost-center',
  '/latest/meta-data/tags/instance/Name': 'web-01',
  '/latest/meta-data/tags/instance/env': 'prod',
  '/latest/meta-data/tags/instance/cost-center': 'x'.repeat(400),
};

describe('cloud_aws against an IMDS on loopback', () => {
  it('takes a token, reads identity, role name (not credentials) and tags, and finds IMDSv1 disabled', async () => {
    const srv = await serve(imds({ v1: false, tokenHeader: 'X-aws-ec2-metadata-token-ttl-seconds', sessionHeader: 'X-aws-ec2-metadata-token', paths: AWS_PATHS }));
    const root = dmiRoot({ sys_vendor: 'Amazon EC2', product_name: 'm6i.large', bios_vendor: 'Amazon EC2' });
    const r = await collectOnce(cloudAws, root, { options: { endpoint: srv.url } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.cloud_instance![0]).toMatchObject({
      provider: 'aws', up: 1, instance_id: 'i-0abc123def4567890', instance_type: 'm6i.large', region: 'eu-west-1', zone: 'eu-west-1b',
      image: 'ami-0fc5d935ebf8bc3bc', iam_role: 'web-server-role', imdsv1_enabled: false,
    });
    expect(srv.log[0]).toBe('PUT /latest/api/token');
    expect(srv.log.some((l) => /security-credentials\/.+/.test(l))).toBe(false);
    const tags = r.tables.cloud_tags!;
    expect(tags.map((t) => t.key)).toEqual(['Name', 'cost-center', 'env']);
    expect((tags.find((t) => t.key === 'cost-center')!.value as string).length).toBe(256);
    expect(r.samples).toContain('hostbaseline_cloud_imdsv1_enabled{provider="aws"} 0');
    expect(r.samples).toContain('hostbaseline_cloud_metadata_up{provider="aws"} 1');
  });

  it('flags IMDSv1 when a token-less GET is answered; max_tags caps the tags', async () => {
    const srv = await serve(imds({ v1: true, tokenHeader: 'X-aws-ec2-metadata-token-ttl-seconds', sessionHeader: 'X-aws-ec2-metadata-token', paths: AWS_PATHS }));
    const r = await collectOnce(cloudAws, dmiRoot({ sys_vendor: 'Amazon EC2' }), { options: { endpoint: srv.url, max_tags: 1 } });
    expect(r.tables.cloud_instance![0]!.imdsv1_enabled).toBe(true);
    expect(r.samples).toContain('hostbaseline_cloud_imdsv1_enabled{provider="aws"} 1');
    expect(r.tables.cloud_tags).toHaveLength(1);
  });

  it('without the TTL header the token request fails, so the test server really checks the header flow', async () => {
    const srv = await serve(imds({ v1: false, tokenHeader: 'X-aws-ec2-metadata-token-ttl-seconds', sessionHeader: 'X-aws-ec2-metadata-token', paths: AWS_PATHS }));
    expect((await fetch(`${srv.url}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
    expect((await fetch(`${srv.url}/latest/meta-data/instance-id`)).status).toBe(401);
  });

  it('an IMDS that refuses everything (403) is metadata_up 0, not a failure', async () => {
    const srv = await serve((_req, res) => send(res, 403, 'Forbidden'));
    const r = await collectOnce(cloudAws, dmiRoot({ sys_vendor: 'Amazon EC2' }), { options: { endpoint: srv.url } });
    expect(r.state.success).toBe(true);
    expect(r.tables.cloud_instance![0]).toMatchObject({ up: 0, error: 'instance-id: HTTP 403' });
    expect(r.samples).toContain('hostbaseline_cloud_metadata_up{provider="aws"} 0');
    expect(r.samples).not.toContain('hostbaseline_cloud_instance_info');
  });
});

describe('cloud_azure against an Azure IMDS on loopback', () => {
  it('sends Metadata: true (400 without) and reads compute', async () => {
    const srv = await serve((req, res) => {
      if (!req.url!.startsWith('/metadata/instance?api-version=')) return send(res, 404, '');
      if (req.headers.metadata !== 'true') return send(res, 400, '{"error":"Bad request. Required metadata header not specified"}', 'application/json');
      send(res, 200, JSON.stringify({
        compute: {
          location: 'westeurope', name: 'vm-web-01', osType: 'Linux', vmId: '02aab8a4-74ef-476e-8182-f6d2ba4166a6', vmSize: 'Standard_D2s_v5', zone: '2',
          subscriptionId: '8d10da13-8125-4ba9-a717-bf7490507b3d',
          storageProfile: { imageReference: { id: '', offer: '0001-com-ubuntu-server-jammy', publisher: 'canonical', sku: '22_04-lts-gen2', version: 'latest' } },
          tags: 'env:prod;team:web', tagsList: [{ name: 'env', value: 'prod' }, { name: 'team', value: 'web' }],
        },
        network: { interface: [] },
      }), 'application/json');
    });
    expect((await fetch(`${srv.url}/metadata/instance?api-version=2021-02-01`)).status).toBe(400);
    const root = dmiRoot({ sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: AZURE_ASSET_TAG });
    const r = await collectOnce(cloudAzure, root, { options: { endpoint: srv.url } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.cloud_instance![0]).toMatchObject({
      instance_id: '02aab8a4-74ef-476e-8182-f6d2ba4166a6', instance_type: 'Standard_D2s_v5', region: 'westeurope', zone: '2',
      image: 'canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest', imdsv1_enabled: null,
    });
    expect(r.tables.cloud_tags!.map((t) => [t.key, t.value])).toEqual([['env', 'prod'], ['team', 'web']]);
  });
});

describe('cloud_gcp against a GCE metadata server on loopback', () => {
  it('sends Metadata-Flavor: Google (403 without) and keeps no attributes', async () => {
    const srv = await serve((req, res) => {
      if (req.headers['metadata-flavor'] !== 'Google') return send(res, 403, 'Missing Metadata-Flavor:Google header.');
      if (req.url !== '/computeMetadata/v1/instance/?recursive=true') return send(res, 404, '');
      res.setHeader('Metadata-Flavor', 'Google');
      // The id is a 64-bit JSON number (beyond a double's precision), as GCE sends it.
      send(res, 200, '{"id":4520031799277581759,' + JSON.stringify({
        name: 'web-1', machineType: 'projects/123456789012/machineTypes/e2-medium', zone: 'projects/123456789012/zones/us-central1-a',
        image: 'projects/debian-cloud/global/images/debian-12-bookworm-v20240515', tags: ['http-server', 'https-server'],
        attributes: { 'ssh-keys': 'alice:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE secret', 'startup-script': 'echo TOPSECRET' },
        serviceAccounts: { default: { email: '123-compute@developer.gserviceaccount.com', scopes: [] } },
      }).slice(1), 'application/json');
    });
    const r = await collectOnce(cloudGcp, dmiRoot({ sys_vendor: 'Google', product_name: 'Google Compute Engine', bios_vendor: 'Google' }), { options: { endpoint: srv.url } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.cloud_instance![0]).toMatchObject({
      instance_id: '4520031799277581759', instance_type: 'e2-medium', zone: 'us-central1-a', region: 'us-central1', image: 'debian-cloud/global/images/debian-12-bookworm-v20240515', account: '123456789012',
    });
    expect(r.tables.cloud_tags!.map((t) => t.key)).toEqual(['http-server', 'https-server']);
    expect(JSON.stringify(r.tables) + r.samples).not.toMatch(/TOPSECRET|ssh-ed25519/);
    expect(srv.log.some((l) => l.includes('token'))).toBe(false);
  });
});

describe('cloud_alibaba against an ECS metadata server on loopback (hardened mode)', () => {
  it('uses the X-aliyun token flow', async () => {
    const srv = await serve(imds({
      v1: false, tokenHeader: 'X-aliyun-ecs-metadata-token-ttl-seconds', sessionHeader: 'X-aliyun-ecs-metadata-token',
      paths: {
        '/latest/meta-data/instance-id': 'i-bp67acfmxazb4ph****', '/latest/meta-data/instance/instance-type': 'ecs.g7.large',
        '/latest/meta-data/region-id': 'cn-hangzhou', '/latest/meta-data/zone-id': 'cn-hangzhou-i', '/latest/meta-data/image-id': 'ubuntu_22_04_x64_20G_alibase_20240508.vhd',
      },
    }));
    const r = await collectOnce(cloudAlibaba, dmiRoot({ sys_vendor: 'Alibaba Cloud', product_name: 'Alibaba Cloud ECS' }), { options: { endpoint: srv.url } });
    expect(r.state.success, r.state.lastError ?? '').toBe(true);
    expect(r.tables.cloud_instance![0]).toMatchObject({ instance_id: 'i-bp67acfmxazb4ph****', instance_type: 'ecs.g7.large', region: 'cn-hangzhou', zone: 'cn-hangzhou-i', imdsv1_enabled: false });
  });
});

describe('cloud_tencent and cloud_huawei on loopback', () => {
  it('tencent: plain meta-data paths', async () => {
    const paths: Record<string, string> = {
      '/latest/meta-data/instance-id': 'ins-3kb2e8jt', '/latest/meta-data/instance/instance-type': 'S5.MEDIUM4',
      '/latest/meta-data/placement/region': 'ap-guangzhou', '/latest/meta-data/placement/zone': 'ap-guangzhou-3', '/latest/meta-data/instance/image-id': 'img-487zeit5',
    };
    const srv = await serve((req, res) => (paths[req.url!] ? send(res, 200, paths[req.url!]!) : send(res, 404, '')));
    const r = await collectOnce(cloudTencent, dmiRoot({ sys_vendor: 'Tencent Cloud', product_name: 'CVM' }), { options: { endpoint: srv.url } });
    expect(r.tables.cloud_instance![0]).toMatchObject({ provider: 'tencent', instance_id: 'ins-3kb2e8jt', instance_type: 'S5.MEDIUM4', region: 'ap-guangzhou', zone: 'ap-guangzhou-3', image: 'img-487zeit5' });
  });

  it('huawei: OpenStack meta_data.json plus EC2-style paths; detected by the HUAWEICLOUD asset tag', async () => {
    const srv = await serve((req, res) => {
      if (req.url === '/openstack/latest/meta_data.json')
        return send(res, 200, JSON.stringify({ uuid: 'c8a3c0b2-5c9e-4d0b-9f5a-2f2b8f2d6a11', availability_zone: 'cn-north-4a', hostname: 'ecs-web', project_id: '0b5e5bd5e100d4a52f2fc0070a6b3c1d', meta: { env: 'staging', admin_pass: 42 } }), 'application/json');
      if (req.url === '/latest/meta-data/instance-type') return send(res, 200, 's6.large.2');
      send(res, 404, '');
    });
    const root = dmiRoot({ sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova', chassis_asset_tag: 'HUAWEICLOUD' });
    const r = await collectOnce(cloudHuawei, root, { options: { endpoint: srv.url } });
    expect(r.tables.cloud_instance![0]).toMatchObject({ instance_id: 'c8a3c0b2-5c9e-4d0b-9f5a-2f2b8f2d6a11', zone: 'cn-north-4a', region: 'cn-north-4', instance_type: 's6.large.2' });
    expect(r.tables.cloud_tags!.map((t) => t.key)).toEqual(['env']);
  });
});

describe('cloud collectors off the provider', () => {
  it('make no request at all when DMI names another vendor (host-a is a Dell) or there is no DMI', async () => {
    const srv = await serve((_req, res) => send(res, 200, 'i-should-not-be-asked'));
    for (const root of [fixturePath('host-a'), tempDir()]) {
      for (const spec of cloudCollectors.filter((s) => s.name !== 'carbon_black')) {
        const r = await collectOnce(spec, root, { options: { endpoint: srv.url } });
        expect(r.state.success, spec.name).toBe(true);
        expect(r.tables.cloud_instance, spec.name).toEqual([]);
      }
    }
    expect(srv.log).toEqual([]);
  });

  it('force queries anyway', async () => {
    const srv = await serve(imds({ v1: true, tokenHeader: 'X-aws-ec2-metadata-token-ttl-seconds', sessionHeader: 'X-aws-ec2-metadata-token', paths: AWS_PATHS }));
    const r = await collectOnce(cloudAws, tempDir(), { options: { endpoint: srv.url, force: true } });
    expect(r.tables.cloud_instance![0]!.instance_id).toBe('i-0abc123def4567890');
  });
});

describe('a metadata service that never answers', () => {
  it('the collector times out (success 0 with a message) and the other collectors are unaffected', async () => {
    const srv = await serve(() => {
      /* accept and never answer */
    });
    const root = dmiRoot({ sys_vendor: 'Amazon EC2' });
    mkdirSync(path.join(root, 'var/lib/cb'), { recursive: true });
    writeFileSync(path.join(root, 'var/lib/cb/sensor.id'), '0000000000000312');
    // The collector's timeout (500 ms) is shorter than one request's (2 s): the scheduler gives up first.
    const sched = schedulerFor([cloudAws, carbonBlack], root, { options: { endpoint: srv.url }, timeout: 500 });
    const t0 = Date.now();
    await sched.runAll();
    expect(Date.now() - t0).toBeLessThan(2000);
    const [aws, cb] = [sched.list().find((s) => s.spec.name === 'cloud_aws')!, sched.list().find((s) => s.spec.name === 'carbon_black')!];
    expect(aws.success).toBe(false);
    expect(aws.lastError).toContain('timed out');
    expect(cb.success).toBe(true);
    expect(srv.log).toEqual(['PUT /latest/api/token']);
  });

  it('with a longer collector timeout, the request timeout names the URL', async () => {
    const srv = await serve(() => {});
    const r = await collectOnce(cloudAws, dmiRoot({ sys_vendor: 'Amazon EC2' }), { options: { endpoint: srv.url, timeout: 300 } });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toMatch(/PUT http:\/\/127\.0\.0\.1:\d+\/latest\/api\/token: no answer within 300 ms/);
  });

  it('garbage JSON from Azure fails the collector with a message', async () => {
    const srv = await serve((_req, res) => send(res, 200, '{"compute": {"vmId": "trunc'));
    const r = await collectOnce(cloudAzure, dmiRoot({ chassis_asset_tag: AZURE_ASSET_TAG }), { options: { endpoint: srv.url } });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('Azure IMDS: not JSON');
  });
});
