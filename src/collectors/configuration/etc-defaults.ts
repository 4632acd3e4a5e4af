import type { HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type FactRow } from '../types.js';
import { fileRow, fileTable, listFiles, readFileFacts, riskRows, riskTable, type Risk } from './common.js';
import { parseShellVars, riskySettings } from './etc-defaults.parse.js';

const DIRS = ['/etc/default', '/etc/sysconfig'];

/** Files of a directory and of its direct sub-directories (/etc/sysconfig/network-scripts). */
async function filesBelow(fs: HostFs, dir: string): Promise<string[]> {
  const out = await listFiles(fs, dir);
  for (const e of (await fs.readdirIfExists(dir)) ?? []) {
    if (e.type === 'dir' && !e.name.startsWith('.')) out.push(...(await listFiles(fs, `${dir}/${e.name}`)));
  }
  return out.sort();
}

export const etcDefaults = defineCollector({
  name: 'etc_defaults',
  area: 'configuration',
  description: 'Files of /etc/default and /etc/sysconfig (sha256, size, mtime) and a few risky settings (kernel command line, SELinux mode).',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 20 * SECOND,
  tables: [
    fileTable('etc_default_files', 'Files of /etc/default and /etc/sysconfig'),
    riskTable('etc_default_risks', '/etc/default and /etc/sysconfig (GRUB kernel command line that disables AppArmor/SELinux/audit/mitigations, SELinux disabled)'),
  ],
  async collect(ctx) {
    const files: FactRow[] = [];
    const risks: Risk[] = [];
    for (const dir of DIRS) {
      for (const path of await filesBelow(ctx.fs, dir)) {
        if (ctx.signal.aborted) throw new Error('stopped');
        const f = await readFileFacts(ctx.fs, path);
        if (!f) continue;
        files.push(fileRow(f, { dir }));
        const name = path.slice(path.lastIndexOf('/') + 1);
        const vars = parseShellVars(f.text, (line, reason) => ctx.parseError(path, `line ${line}: ${reason}`));
        for (const setting of riskySettings(name, vars)) risks.push({ server: name, path, setting });
      }
    }
    return [
      { name: 'etc_default_files', rows: files },
      { name: 'etc_default_risks', rows: riskRows(risks) },
    ];
  },
});
