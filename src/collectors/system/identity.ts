import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readFirst, readValue } from './common.js';
import { countCpuinfoProcessors, countCpuList, normaliseDomain, parseEtcHostname, validMachineId } from './identity.parse.js';

/** machine-id(5): /etc is authoritative, D-Bus keeps a copy (or the only one on older systems). */
const MACHINE_ID = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

export const identity = defineCollector({
  name: 'identity',
  area: 'system',
  description: 'Host identity: hostname (live and configured), domain name, machine-id, boot id and CPU count.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [{ name: 'host_identity', key: [], description: 'Who this host is.', drift: true, volatile: ['boot_id'] }],
  async collect(ctx) {
    const { fs } = ctx;
    const liveHostname = await readValue(fs, '/proc/sys/kernel/hostname');
    const etcHostname = await fs.readTextIfExists('/etc/hostname');
    const configured = etcHostname === null ? null : parseEtcHostname(etcHostname);
    const mid = await readFirst(fs, MACHINE_ID);
    const midValid = mid !== null && validMachineId(mid.text);
    const online = await readValue(fs, '/sys/devices/system/cpu/online');
    let cpus = online === null ? null : countCpuList(online);
    if (online !== null && cpus === null) throw new Error('/sys/devices/system/cpu/online: not a CPU range list');
    let cpusSource = online === null ? '' : '/sys/devices/system/cpu/online';
    if (cpus === null) {
      const cpuinfo = await fs.readTextIfExists('/proc/cpuinfo');
      if (cpuinfo !== null) {
        cpus = countCpuinfoProcessors(cpuinfo);
        cpusSource = '/proc/cpuinfo';
      }
    }
    const bootId = await readValue(fs, '/proc/sys/kernel/random/boot_id');
    const domain = await fs.readTextIfExists('/proc/sys/kernel/domainname');
    if (liveHostname === null && configured === null && mid === null && cpus === null && bootId === null) return [{ name: 'host_identity', rows: [] }];
    const hostname = liveHostname ?? configured ?? '';
    return [
      {
        name: 'host_identity',
        rows: [
          {
            hostname,
            configured_hostname: configured ?? '',
            // Only meaningful when both exist: a live name that differs from /etc/hostname was changed at run time.
            hostname_matches_config: liveHostname !== null && configured !== null ? liveHostname === configured : null,
            domainname: normaliseDomain(domain),
            machine_id: midValid ? mid.text.trim() : '',
            machine_id_source: mid?.file ?? '',
            machine_id_valid: mid === null ? null : midValid,
            boot_id: bootId ?? '',
            cpus,
            cpus_source: cpusSource,
          },
        ],
      },
    ];
  },
});
