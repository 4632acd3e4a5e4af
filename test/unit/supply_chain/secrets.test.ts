import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { configurationCollectors } from '../../../src/collectors/configuration/index.js';
import { supplyChainCollectors } from '../../../src/collectors/supply_chain/index.js';
import { exposition, fixturePath, schedulerFor } from '../../helpers.js';

/**
 * Credentials planted in host-a for the supply-chain and configuration collectors.
 * None may appear in /metrics, nor in `collect` output (table, JSON, or its log lines).
 */
const SECRETS = [
  'npm_4bT9qXkZr7LmN2pV8wYcD5sF1hJ6gU3eA0oI', // ~alice/.npmrc //host/:_authToken
  'Ym9iOmh1bnRlcjI=', // ~bob/.npmrc _auth
  'PipS3cretPassw0rd', // ~alice pip.conf index-url user:password@
  'Sup3rS3cretPw', // apt deb822 URIs user:password@
  'abc123secret', // yum baseurl ?token=
  'mQINBFdDN1ABEADaNd', // inline Signed-By key block
  'MyS3cretDbPassw0rd', // my.cnf [client] password
  'R3disMasterS3cret', // redis masterauth
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', // /etc/default/backup-agent
];

const SPECS = [...supplyChainCollectors, ...configurationCollectors];
const HOST_A = fixturePath('host-a');

describe('secrets stay home (supply chain and configuration)', () => {
  it('/metrics of every collector of both areas holds none of them', async () => {
    const scheduler = schedulerFor(SPECS, HOST_A);
    await scheduler.runAll();
    expect(scheduler.list().filter((s) => !s.success).map((s) => `${s.spec.name}: ${s.lastError}`)).toEqual([]);
    const text = exposition(scheduler);
    expect(text).toContain('hostbaseline_package_source_info');
    for (const s of SECRETS) expect(text).not.toContain(s);
  });

  it.each(['table', 'json'])('`collect --format %s` output holds none of them', async (format) => {
    let out = '';
    let err = '';
    const code = await run(['collect', ...SPECS.map((s) => s.name), `--format=${format}`, `--path.rootfs=${HOST_A}`], {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
    });
    expect(code).toBe(0);
    expect(out).toContain('pypi.corp.example.internal');
    for (const s of SECRETS) {
      expect(out).not.toContain(s);
      expect(err).not.toContain(s);
    }
  });
});
