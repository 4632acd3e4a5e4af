import { hoursToSeconds } from '../../util/duration.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { hashIdentifier } from './common.js';
import { parseHealth, parseScan } from './smart.parse.js';

/** One smartctl call; a sleeping disk answers in well under this. */
const COMMAND_TIMEOUT_MS = 15 * SECOND;

export const smart = defineCollector({
  name: 'smart',
  area: 'devices',
  description: 'Disk health (SMART) through `smartctl --json` when smartctl is installed; absent tool = smartctl_available 0, not an error.',
  defaultEnabled: true,
  interval: 10 * MINUTE,
  timeout: 2 * MINUTE,
  options: [{ name: 'max_devices', type: 'int', default: 64, help: 'Devices queried per refresh (one smartctl run each).' }],
  tables: [
    { name: 'smart_summary', key: ['tool'], description: 'One row: whether smartctl is installed and how many devices it reports.' },
    {
      name: 'smart_devices',
      key: ['device'],
      description: 'One row per device smartctl can open.',
      drift: true,
      volatile: ['temperature_celsius', 'power_on_hours', 'power_on_seconds', 'percentage_used'],
    },
  ],
  async collect(ctx) {
    const smartctl = await ctx.commands.which('smartctl');
    const summary: FactRow = { tool: 'smartctl', available: smartctl !== null, devices: 0, failing: 0 };
    if (smartctl === null) return [{ name: 'smart_summary', rows: [summary] }, { name: 'smart_devices', rows: [] }];
    const run = (args: string[]) => ctx.commands.run('smartctl', args, { timeoutMs: COMMAND_TIMEOUT_MS, signal: ctx.signal });
    const scan = await run(['--scan-open', '--json']);
    const devices = parseScan(scan.stdout).slice(0, ctx.options.max_devices as number);
    const rows: FactRow[] = [];
    for (const d of devices) {
      if (ctx.signal.aborted) break;
      const args = ['-H', '-i', '-A', '--json', ...(d.type ? ['-d', d.type] : []), d.name];
      const h = parseHealth((await run(args)).stdout, d.name);
      rows.push({
        device: d.name,
        type: d.type,
        protocol: h.protocol || d.protocol,
        model: h.model,
        serial_sha256: hashIdentifier(h.serial) ?? '',
        firmware: h.firmware,
        capacity_bytes: h.capacity_bytes,
        health: h.health,
        failing: h.health === 'failed',
        healthy: h.health === 'unknown' ? null : h.health === 'passed',
        exit_status: h.exit_status,
        temperature_celsius: h.temperature_celsius,
        power_on_hours: h.power_on_hours,
        power_on_seconds: hoursToSeconds(h.power_on_hours),
        reallocated_sectors: h.reallocated_sectors,
        pending_sectors: h.pending_sectors,
        offline_uncorrectable: h.offline_uncorrectable,
        media_errors: h.media_errors,
        percentage_used: h.percentage_used,
        critical_warning: h.critical_warning,
        message: h.message,
      });
    }
    summary.devices = rows.length;
    summary.failing = rows.filter((r) => r.failing).length;
    return [
      { name: 'smart_summary', rows: [summary] },
      { name: 'smart_devices', rows },
    ];
  },
});
