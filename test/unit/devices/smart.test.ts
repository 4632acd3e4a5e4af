import { describe, expect, it } from 'vitest';
import { smart } from '../../../src/collectors/devices/smart.js';
import { collectOnce, fakeCommands, tempDir } from '../../helpers.js';

const meta = (argv: string[], exit = 0, messages?: unknown[]) => ({
  json_format_version: [1, 0],
  smartctl: { version: [7, 3], svn_revision: '5338', platform_info: 'x86_64-linux-6.1.0', build_info: '(local build)', argv, ...(messages ? { messages } : {}), exit_status: exit },
});

/** Shapes as smartctl 7.3 prints them (--scan-open and -H -i -A on an ATA SSD, an NVMe drive and a failing HDD). */
const SCAN = {
  ...meta(['smartctl', '--scan-open', '--json']),
  devices: [
    { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
    { name: '/dev/nvme0', info_name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
    { name: '/dev/sdb', info_name: '/dev/sdb [SAT]', type: 'sat', protocol: 'ATA' },
  ],
};
const ATA = {
  ...meta(['smartctl', '-H', '-i', '-A', '--json', '-d', 'sat', '/dev/sda']),
  device: { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
  model_family: 'Samsung based SSDs',
  model_name: 'Samsung SSD 860 EVO 500GB',
  serial_number: 'S3Z1NB0K123456A',
  firmware_version: 'RVT04B6Q',
  user_capacity: { blocks: 976773168, bytes: 500107862016 },
  smart_status: { passed: true },
  ata_smart_attributes: {
    revision: 1,
    table: [
      { id: 5, name: 'Reallocated_Sector_Ct', value: 100, worst: 100, thresh: 10, when_failed: '', raw: { value: 0, string: '0' } },
      { id: 9, name: 'Power_On_Hours', value: 95, worst: 95, thresh: 0, when_failed: '', raw: { value: 21543, string: '21543' } },
      { id: 197, name: 'Current_Pending_Sector', value: 100, worst: 100, thresh: 0, when_failed: '', raw: { value: 0, string: '0' } },
    ],
  },
  power_on_time: { hours: 21543 },
  power_cycle_count: 1200,
  temperature: { current: 31 },
};
const NVME = {
  ...meta(['smartctl', '-H', '-i', '-A', '--json', '-d', 'nvme', '/dev/nvme0']),
  device: { name: '/dev/nvme0', info_name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
  model_name: 'Samsung SSD 980 PRO 1TB',
  serial_number: 'S5GXNF0R123456',
  firmware_version: '5B2QGXA7',
  nvme_total_capacity: 1000204886016,
  smart_status: { passed: true, nvme: { value: 0 } },
  nvme_smart_health_information_log: {
    critical_warning: 0, temperature: 38, available_spare: 100, available_spare_threshold: 10, percentage_used: 3,
    power_on_hours: 4120, unsafe_shutdowns: 41, media_errors: 0, num_err_log_entries: 12,
  },
  temperature: { current: 38 },
  power_on_time: { hours: 4120 },
};
const FAILING = {
  ...meta(['smartctl', '-H', '-i', '-A', '--json', '-d', 'sat', '/dev/sdb'], 8 | 16),
  device: { name: '/dev/sdb', info_name: '/dev/sdb [SAT]', type: 'sat', protocol: 'ATA' },
  model_name: 'WDC WD40EFRX-68N32N0',
  serial_number: 'WD-WCC7K1234567',
  smart_status: { passed: false },
  ata_smart_attributes: { table: [{ id: 5, name: 'Reallocated_Sector_Ct', raw: { value: 1832 } }, { id: 197, name: 'Current_Pending_Sector', raw: { value: 24 } }] },
  temperature: { current: 44 },
};

const out = (doc: unknown, code = 0) => ({ code, stdout: JSON.stringify(doc), stderr: '' });

describe('smart', () => {
  it('without smartctl: success, smartctl_available 0, no devices', async () => {
    const r = await collectOnce(smart, tempDir());
    expect(r.state.success).toBe(true);
    expect(r.samples).toContain('hostbaseline_smartctl_available 0');
    expect(r.tables.smart_devices).toEqual([]);
  });

  it('scans, then reads each device with its -d type; serials hashed', async () => {
    const calls: string[][] = [];
    const commands = fakeCommands({
      smartctl: (args) => {
        calls.push(args);
        if (args[0] === '--scan-open') return out(SCAN);
        const dev = args[args.length - 1];
        return dev === '/dev/sda' ? out(ATA) : dev === '/dev/nvme0' ? out(NVME) : out(FAILING, 24);
      },
    });
    const r = await collectOnce(smart, tempDir(), { commands });
    expect(r.state.success).toBe(true);
    expect(calls[1]).toEqual(['-H', '-i', '-A', '--json', '-d', 'sat', '/dev/sda']);
    const rows = new Map(r.tables.smart_devices!.map((d) => [d.device, d]));
    expect(rows.get('/dev/sda')).toMatchObject({ health: 'passed', temperature_celsius: 31, power_on_hours: 21543, power_on_seconds: 21543 * 3600, reallocated_sectors: 0, capacity_bytes: 500107862016 });
    expect(rows.get('/dev/nvme0')).toMatchObject({ health: 'passed', percentage_used: 3, media_errors: 0, temperature_celsius: 38 });
    expect(rows.get('/dev/sdb')).toMatchObject({ health: 'failed', failing: true, reallocated_sectors: 1832, pending_sectors: 24, exit_status: 24 });
    expect(r.samples).toContain('hostbaseline_smart_devices_failing 1');
    expect(r.samples).toContain('hostbaseline_smart_device_healthy{device="/dev/sdb"} 0');
    expect(JSON.stringify(r.tables)).not.toContain('S3Z1NB0K123456A');
  });

  it('garbage output of smartctl fails the collector with a message', async () => {
    const commands = fakeCommands({ smartctl: () => ({ code: 0, stdout: '{"trunc', stderr: '' }) });
    const r = await collectOnce(smart, tempDir(), { commands });
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toContain('not JSON');
  });

  it('a device smartctl cannot open is health unknown with its message', async () => {
    const commands = fakeCommands({
      smartctl: (args) =>
        args[0] === '--scan-open'
          ? out({ ...meta([]), devices: [{ name: '/dev/vda', type: 'auto', protocol: '' }] })
          : out(meta([], 1, [{ string: '/dev/vda: Unable to detect device type', severity: 'error' }]), 1),
    });
    const r = await collectOnce(smart, tempDir(), { commands });
    expect(r.tables.smart_devices![0]).toMatchObject({ health: 'unknown', message: '/dev/vda: Unable to detect device type' });
  });
});
