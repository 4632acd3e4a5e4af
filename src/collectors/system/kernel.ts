import type { HostFs } from '../../host/hostfs.js';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { readValue } from './common.js';
import { parseCmdline, parseProcVersion, rebootPending, releaseOfImage, sortReleasesNewestFirst } from './kernel.parse.js';

/** Debian and Ubuntu packages create it when they want a reboot (/var/run is a link to /run). */
const REBOOT_REQUIRED = ['/run/reboot-required', '/var/run/reboot-required'];

interface Installed {
  image: string;
  modules: boolean;
}

/** Installed kernels: images in /boot, and /lib/modules/<release> (with its own image on Fedora and Arch). */
async function installedKernels(fs: HostFs): Promise<Map<string, Installed>> {
  const found = new Map<string, Installed>();
  const get = (r: string): Installed => found.get(r) ?? (found.set(r, { image: '', modules: false }).get(r) as Installed);
  for (const e of (await fs.readdirIfExists('/boot')) ?? []) {
    const release = e.type === 'file' ? releaseOfImage(e.name) : null;
    if (release) get(release).image = `/boot/${e.name}`;
  }
  for (const e of (await fs.readdirIfExists('/lib/modules')) ?? []) {
    if (e.type !== 'dir') continue;
    const k = get(e.name);
    k.modules = true;
    if (!k.image && (await fs.statIfExists(`/lib/modules/${e.name}/vmlinuz`))?.isFile()) k.image = `/lib/modules/${e.name}/vmlinuz`;
  }
  return found;
}

export const kernel = defineCollector({
  name: 'kernel',
  area: 'system',
  description: 'Running kernel (/proc/version), its command line, the kernels installed in /boot and /lib/modules, and whether a reboot is pending.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 10 * SECOND,
  tables: [
    { name: 'kernel', key: ['release'], description: 'The running kernel and the reboot state.', drift: true },
    { name: 'kernel_installed', key: ['release'], description: 'Kernels installed on disk.', drift: true },
    { name: 'kernel_cmdline', key: ['name', 'value'], description: 'Parameters of the running kernel command line.', drift: true, volatile: ['position'] },
  ],
  async collect(ctx) {
    const { fs } = ctx;
    const versionText = await fs.readTextIfExists('/proc/version');
    const parsed = versionText === null ? null : parseProcVersion(versionText);
    if (versionText !== null && !parsed) throw new Error('/proc/version: does not start with "Linux version <release>"');
    const release = (await readValue(fs, '/proc/sys/kernel/osrelease')) || parsed?.release || '';

    const installed = await installedKernels(fs);
    const withImage = [...installed].filter(([, k]) => k.image).map(([r]) => r);
    let requiredFile = false;
    for (const f of REBOOT_REQUIRED) if (await fs.statIfExists(f)) requiredFile = true;
    const reboot = rebootPending(release, withImage, requiredFile);

    const cmdlineText = await fs.readTextIfExists('/proc/cmdline');
    const cmdline = cmdlineText === null ? { params: [], initArgs: 0 } : parseCmdline(cmdlineText);
    const seen = new Set<string>();
    const cmdlineRows: FactRow[] = [];
    for (const p of cmdline.params) {
      const id = `${p.name}\0${p.value ?? ''}`;
      if (seen.has(id)) continue; // the same parameter twice says nothing more
      seen.add(id);
      cmdlineRows.push({ name: p.name, value: p.value ?? '', position: p.position, has_value: p.value !== null, concern: p.concern, flagged: p.concern !== '' });
    }

    const newestFirst = sortReleasesNewestFirst(withImage);
    const kernelRows: FactRow[] = release
      ? [
          {
            release,
            version: (await readValue(fs, '/proc/sys/kernel/version')) || parsed?.version || '',
            compiler: parsed?.compiler ?? '',
            // null when nothing is installed where we look (a container or a VM booted from outside)
            running_installed: installed.size ? Boolean(installed.get(release)?.image) : null,
            newest_installed: reboot.newest,
            installed_kernels: withImage.length,
            reboot_pending: reboot.pending,
            reboot_reason: reboot.reason,
            cmdline_parameters: cmdlineRows.length,
            cmdline_concerns: cmdlineRows.filter((r) => r.flagged).length,
            init_args: cmdline.initArgs,
          },
        ]
      : [];
    const installedRows: FactRow[] = [...installed].map(([r, k]) => ({
      release: r,
      image: k.image,
      modules_dir: k.modules,
      running: r === release,
      newest: r === newestFirst[0],
    }));
    return [
      { name: 'kernel', rows: kernelRows },
      { name: 'kernel_installed', rows: installedRows },
      { name: 'kernel_cmdline', rows: cmdlineRows },
    ];
  },
});
