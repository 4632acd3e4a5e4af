import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { parseIni, parseSensorId, serverOrigin } from './carbon-black.parse.js';

const CB_DIR = '/var/lib/cb';
/** Carbon Black Cloud (PSC) sensor on Linux. */
const PSC_DIRS = ['/opt/carbonblack/psc', '/var/opt/carbonblack/psc'];

/** Collection switches of sensorsettings.ini ([CB] section) → column. -1 when the file does not set it. */
const FLAGS: [string, string][] = [
  ['CollectStoreFiles', 'collect_store_files'],
  ['CollectModuleLoads', 'collect_module_loads'],
  ['CollectModuleInfo', 'collect_module_info'],
  ['CollectFileMods', 'collect_file_mods'],
  ['CollectRegMods', 'collect_reg_mods'],
  ['CollectNetConns', 'collect_net_conns'],
  ['CollectProcesses', 'collect_processes'],
  ['CollectCrossProcess', 'collect_cross_processes'],
  ['CollectEmetEvents', 'collect_emet_events'],
];

export const carbonBlack = defineCollector({
  name: 'carbon_black',
  area: 'cloud',
  description: 'Carbon Black sensor files: Response sensor id and settings (/var/lib/cb), Cloud (PSC) sensor presence and version.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'carbon_black', key: ['product'], description: 'One row per installed Carbon Black sensor product.', drift: true },
    { name: 'carbon_black_settings', key: ['product', 'setting'], description: 'Collection switches of the Response sensor (sensorsettings.ini [CB]).', drift: true },
  ],
  async collect(ctx) {
    const rows: FactRow[] = [];
    const idText = await ctx.fs.readTextIfExists(`${CB_DIR}/sensor.id`, { maxBytes: 4096 });
    const settingsFile = `${CB_DIR}/sensorsettings.ini`;
    const settingsText = await ctx.fs.readTextIfExists(settingsFile, { maxBytes: 1024 * 1024 });
    if (idText !== null || settingsText !== null) {
      const sensorId = idText === null ? null : parseSensorId(idText);
      if (idText !== null && sensorId === null) ctx.parseError(`${CB_DIR}/sensor.id`, 'expected 16 characters ending in a hex sensor id');
      const ini = settingsText === null ? new Map<string, string>() : parseIni(settingsText);
      if (settingsText !== null && ini.size === 0) ctx.parseError(settingsFile, 'no Key=Value settings');
      const row: FactRow = {
        product: 'response',
        sensor_id: sensorId,
        version: ini.get('CB.SensorClientVersion') ?? '',
        config_name: (ini.get('CB.ConfigName') ?? '').replace(/%20/g, ' '),
        backend_server: serverOrigin(ini.get('CB.SensorBackendServer') ?? ''),
      };
      for (const [key, col] of FLAGS) {
        const v = ini.get(`CB.${key}`);
        row[col] = v !== undefined && /^-?\d+$/.test(v) ? Number(v) : -1;
      }
      rows.push(row);
    }
    for (const dir of PSC_DIRS) {
      const st = await ctx.fs.statIfExists(dir);
      if (!st?.isDirectory()) continue;
      // The PSC sensor keeps its version in the install directory; cfg.ini holds the backend and policy.
      const cfg = await ctx.fs.readTextIfExists(`${dir}/cfg.ini`, { maxBytes: 1024 * 1024 });
      const ini = cfg === null ? new Map<string, string>() : parseIni(cfg);
      const versionFile = ((await ctx.fs.readTextIfExists(`${dir}/version`, { maxBytes: 4096 })) ?? '').trim();
      const version = versionFile || ([...ini].find(([k]) => /(^|\.)Version$/.test(k))?.[1] ?? '');
      const backend = [...ini].find(([k]) => /\.?BackendServer$|\.?BackendUrl$/i.test(k))?.[1] ?? '';
      rows.push({
        product: 'cloud',
        sensor_id: null,
        version,
        config_name: '',
        backend_server: serverOrigin(backend),
        ...Object.fromEntries(FLAGS.map(([, col]) => [col, -1])),
      });
      break;
    }
    const settings = rows
      .filter((r) => r.product === 'response')
      .flatMap((r) => FLAGS.map(([, col]): FactRow => ({ product: r.product ?? '', setting: col, value: r[col] ?? -1 })))
      .filter((r) => r.value !== -1);
    return [
      { name: 'carbon_black', rows },
      { name: 'carbon_black_settings', rows: settings },
    ];
  },
});
