import * as path from 'node:path';
import type { FactRow } from '../types.js';
import { defineCollector, MINUTE, SECOND } from '../types.js';
import { listRegularFiles, sha256Hex } from './common.js';
import { execProgram, parseUnitFile, templateOf, unitType, unitValue, unitValues, type UnitFile } from './systemd-units.parse.js';

/** systemd's unit search path, highest priority first: /etc overrides /run overrides the vendor dirs. */
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
/** Where `systemctl enable` (and `--runtime`) put their `*.wants`/`*.requires` links. */
const ENABLE_DIRS: Record<string, string> = { '/etc/systemd/system': 'enabled', '/run/systemd/system': 'enabled-runtime' };

/** [Install] settings that make `systemctl enable` create links. */
const INSTALL_KEYS = ['WantedBy', 'RequiredBy', 'UpheldBy', 'Alias'];

interface Fragment {
  unit: string;
  /** The file the unit comes from, `''` when masked. */
  path: string;
  dir: string;
  link: 'none' | 'masked' | 'alias' | 'linked';
  aliasOf: string;
}

export const systemdUnits = defineCollector({
  name: 'systemd_units',
  area: 'services',
  description: 'systemd units from their unit files: type, state (enabled, masked, static…), ExecStart, User=, timers.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 60 * SECOND,
  tables: [
    {
      name: 'systemd_units',
      key: ['unit'],
      description: 'One row per unit name found in the unit search path (earlier directories override later ones).',
      drift: true,
    },
    { name: 'systemd_timers', key: ['unit'], description: 'Timer units: when they fire and what they start.', drift: true },
    { name: 'systemd_unit_counts', key: ['type', 'state'], description: 'Units per type and state.' },
  ],
  async collect(ctx) {
    const skip = (p: string, reason: string) => ctx.parseError(p, reason);
    // Merged-/usr hosts have /lib -> usr/lib: the same directory must be read once.
    const dirs: { dir: string; enabledAs: string | undefined }[] = [];
    for (const d of UNIT_DIRS) {
      const canon = await ctx.fs.canonical(d);
      if (!dirs.some((x) => x.dir === canon)) dirs.push({ dir: canon, enabledAs: ENABLE_DIRS[d] });
    }

    const fragments = new Map<string, Fragment>();
    const dropIns = new Map<string, string[]>();
    const wantedBy = new Map<string, { targets: Set<string>; state: string }>();
    for (const { dir, enabledAs } of dirs) {
      const entries = await ctx.fs.readdirIfExists(dir);
      for (const e of entries ?? []) {
        const full = `${dir}/${e.name}`;
        if (e.type === 'dir') {
          const m = /^(.+)\.(wants|requires)$/.exec(e.name);
          if (m) {
            for (const w of (await ctx.fs.readdirIfExists(full)) ?? []) {
              if (!unitType(w.name)) continue;
              const rec = wantedBy.get(w.name) ?? { targets: new Set<string>(), state: 'indirect' };
              rec.targets.add(m[1]!);
              // A link in /etc beats one in /run beats a vendor default ("static" dependency).
              if (enabledAs === 'enabled' || (enabledAs === 'enabled-runtime' && rec.state !== 'enabled')) rec.state = enabledAs;
              wantedBy.set(w.name, rec);
              // An enabled instance (getty@tty1) makes its template (getty@.service) enabled too.
              const tpl = templateOf(w.name);
              if (tpl !== w.name) {
                const t = wantedBy.get(tpl) ?? { targets: new Set<string>(), state: 'indirect' };
                t.targets.add(m[1]!);
                if (rec.state === 'enabled' || (rec.state === 'enabled-runtime' && t.state !== 'enabled')) t.state = rec.state;
                wantedBy.set(tpl, t);
              }
            }
          } else if (e.name.endsWith('.d') && unitType(e.name.slice(0, -2))) {
            const unit = e.name.slice(0, -2);
            for (const f of await listRegularFiles(ctx.fs, full, skip)) {
              if (f.name.endsWith('.conf')) dropIns.set(unit, [...(dropIns.get(unit) ?? []), f.path]);
            }
          }
          continue;
        }
        if (!unitType(e.name) || fragments.has(e.name)) continue;
        if (e.type === 'symlink') {
          const target = await ctx.fs.readlink(full);
          if (target === '/dev/null') {
            fragments.set(e.name, { unit: e.name, path: '', dir, link: 'masked', aliasOf: '' });
            continue;
          }
          let st;
          try {
            st = await ctx.fs.statIfExists(full);
          } catch (err) {
            skip(full, (err as Error).message); // a link loop
            continue;
          }
          if (!st?.isFile()) {
            skip(full, st ? 'link to something that is not a regular file' : 'dangling symbolic link');
            continue;
          }
          const base = path.posix.basename(target);
          const link = base !== e.name ? 'alias' : 'linked';
          fragments.set(e.name, { unit: e.name, path: full, dir, link, aliasOf: link === 'alias' ? base : '' });
        } else if (e.type === 'file') {
          fragments.set(e.name, { unit: e.name, path: full, dir, link: 'none', aliasOf: '' });
        } else skip(full, 'not a regular file');
      }
    }

    const units: FactRow[] = [];
    const timers: FactRow[] = [];
    const counts = new Map<string, number>();
    for (const frag of fragments.values()) {
      const type = unitType(frag.unit)!;
      const unit: UnitFile = new Map();
      const report = (file: string) => (line: number, reason: string) => ctx.parseError(file, `line ${line}: ${reason}`);
      if (frag.path) {
        const text = await ctx.fs.readText(frag.path);
        parseUnitFile(text, report(frag.path), unit);
      }
      const drops = dropIns.get(frag.unit) ?? [];
      // Drop-ins apply in file-name order whatever their directory.
      for (const d of [...drops].sort((a, b) => (path.posix.basename(a) < path.posix.basename(b) ? -1 : 1))) {
        const text = await ctx.fs.readTextIfExists(d);
        if (text !== null) parseUnitFile(text, report(d), unit);
      }
      const wants = wantedBy.get(frag.unit);
      const installs = INSTALL_KEYS.some((k) => unitValues(unit, 'Install', k).length > 0);
      let state: string;
      if (frag.link === 'masked') state = 'masked';
      else if (frag.link === 'alias') state = 'alias';
      else if (wants && wants.state !== 'indirect') state = wants.state;
      else if (frag.link === 'linked') state = 'linked';
      else if (installs) state = 'disabled';
      // Like systemctl: only Also= in [Install] is "indirect", no [Install] at all is "static".
      else state = unitValues(unit, 'Install', 'Also').length > 0 ? 'indirect' : 'static';
      const exec = unitValues(unit, 'Service', 'ExecStart');
      const execStart = exec[0] ?? '';
      units.push({
        unit: frag.unit,
        type,
        state,
        path: frag.path,
        source_dir: frag.dir,
        alias_of: frag.aliasOf,
        wanted_by: wants ? [...wants.targets].sort().join(',') : '',
        description: unitValue(unit, 'Unit', 'Description'),
        exec_start: execStart ? execProgram(execStart) : '',
        // Arguments may carry tokens: only a fingerprint of all ExecStart lines leaves the host.
        exec_start_sha256: exec.length ? sha256Hex(exec.join('\n')) : '',
        exec_start_count: exec.length,
        user: unitValue(unit, 'Service', 'User'),
        drop_ins: (dropIns.get(frag.unit) ?? []).length,
      });
      counts.set(`${type}\0${state}`, (counts.get(`${type}\0${state}`) ?? 0) + 1);
      if (type === 'timer' && frag.link !== 'masked') {
        timers.push({
          unit: frag.unit,
          on_calendar: unitValues(unit, 'Timer', 'OnCalendar').join(';'),
          on_boot_sec: unitValue(unit, 'Timer', 'OnBootSec'),
          on_startup_sec: unitValue(unit, 'Timer', 'OnStartupSec'),
          on_unit_active_sec: unitValue(unit, 'Timer', 'OnUnitActiveSec'),
          persistent: unitValue(unit, 'Timer', 'Persistent') === 'true',
          activates: unitValue(unit, 'Timer', 'Unit') || frag.unit.replace(/\.timer$/, '.service'),
          state,
        });
      }
    }
    const countRows: FactRow[] = [];
    for (const [k, count] of counts) {
      const [type, state] = k.split('\0');
      countRows.push({ type: type!, state: state!, count });
    }
    return [
      { name: 'systemd_units', rows: units },
      { name: 'systemd_timers', rows: timers },
      { name: 'systemd_unit_counts', rows: countRows },
    ];
  },
});
