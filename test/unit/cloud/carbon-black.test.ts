import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSensorId, serverOrigin } from '../../../src/collectors/cloud/carbon-black.parse.js';
import { carbonBlack } from '../../../src/collectors/cloud/carbon-black.js';
import { collectOnce, fixturePath, tempDir } from '../../helpers.js';

describe('carbon_black', () => {
  it('sensor.id: 16 characters, the last five hex', () => {
    expect(parseSensorId('0000000000000312')).toBe(0x312);
    expect(parseSensorId('0000000000000312\n')).toBe(0x312);
    expect(parseSensorId('garbage')).toBeNull();
  });
  it('backend server: scheme and host only, credentials and path dropped', () => {
    expect(serverOrigin('https%3A//user:pw@cb.example.net%3A8443/path?x=1')).toBe('https://cb.example.net:8443');
    expect(serverOrigin('not a url')).toBe('');
  });
  it('host-a: Response sensor with settings, Cloud sensor with its version', async () => {
    const r = await collectOnce(carbonBlack, fixturePath('host-a'));
    expect(r.tables.carbon_black!.map((x) => [x.product, x.sensor_id, x.version])).toEqual([
      ['cloud', null, '2.15.2.1873516'],
      ['response', 0x312, '7.3.2.18738'],
    ]);
    expect(r.tables.carbon_black_settings).toHaveLength(9);
  });
  it('a malformed sensor.id is a parse error; the sensor is still reported', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'var/lib/cb'), { recursive: true });
    writeFileSync(path.join(root, 'var/lib/cb/sensor.id'), 'short');
    const r = await collectOnce(carbonBlack, root);
    expect(r.state.success).toBe(true);
    expect(r.state.parseErrorsTotal).toBe(1);
    expect(r.tables.carbon_black![0]).toMatchObject({ product: 'response', sensor_id: null });
  });
  it('nothing installed: zero rows', async () => {
    const r = await collectOnce(carbonBlack, tempDir());
    expect(r.tables.carbon_black).toEqual([]);
  });
});
