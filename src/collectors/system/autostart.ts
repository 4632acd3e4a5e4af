import { userHomes } from '../../host/homes.js';
import type { HostFs } from '../../host/hostfs.js';
import { defineCollector, MINUTE, SECOND, type CollectContext, type FactRow } from '../types.js';
import { dropInFiles, sha256Hex } from './config-files.js';
import { desktopBool, execProgram, parseDesktopEntry, parseRcLink } from './autostart.parse.js';

const XDG_AUTOSTART = '/etc/xdg/autostart';
const INIT_D = '/etc/init.d';
const RC_DIRS = ['rc0.d', 'rc1.d', 'rc2.d', 'rc3.d', 'rc4.d', 'rc5.d', 'rc6.d', 'rcS.d'];
/** Init scripts are small shell scripts; anything bigger is read only up to this for its hash. */
const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

/** Every column of the union table, so rows of each source have the same shape. */
function row(source: string, name: string, fields: FactRow): FactRow {
  return {
    source, name, display_name: '', path: '', user: '', exec: '', exec_sha256: '', enabled: null, hidden: null,
    executable: null, sha256: '', runlevel: '', action: '', priority: null, target: '', target_exists: null,
    ...fields,
  };
}

async function desktopRows(ctx: CollectContext, dir: string, source: string, user: string): Promise<FactRow[]> {
  const rows: FactRow[] = [];
  for (const file of await dropInFiles(ctx.fs, dir, '.desktop')) {
    const p = `${dir}/${file}`;
    const text = await ctx.fs.readText(p);
    const entry = parseDesktopEntry(text, (line, reason) => ctx.parseError(p, `line ${line}: ${reason}`));
    if (!entry) {
      ctx.parseError(p, 'no [Desktop Entry] group');
      continue;
    }
    const exec = entry.Exec ?? '';
    const hidden = desktopBool(entry.Hidden, false);
    rows.push(
      row(source, user ? `${user}/${file}` : file, {
        path: p,
        user,
        exec: execProgram(exec),
        exec_sha256: exec ? sha256Hex(exec) : '',
        hidden,
        enabled: !hidden && desktopBool(entry['X-GNOME-Autostart-enabled'], true),
        display_name: entry.Name ?? '',
      }),
    );
  }
  return rows;
}

async function initScriptRows(fs: HostFs): Promise<FactRow[]> {
  const rows: FactRow[] = [];
  for (const e of (await fs.readdirIfExists(INIT_D)) ?? []) {
    if (e.type === 'dir' || e.name.startsWith('.')) continue;
    const p = `${INIT_D}/${e.name}`;
    const st = await fs.stat(p);
    const content = await fs.readBytes(p, { maxBytes: MAX_SCRIPT_BYTES });
    rows.push(row('init_d', e.name, { path: p, executable: (st.mode & 0o111) !== 0, sha256: sha256Hex(content) }));
  }
  return rows;
}

async function rcLinkRows(fs: HostFs): Promise<FactRow[]> {
  const rows: FactRow[] = [];
  for (const dir of RC_DIRS) {
    for (const e of (await fs.readdirIfExists(`/etc/${dir}`)) ?? []) {
      const link = parseRcLink(dir, e.name);
      if (!link) continue;
      const p = `/etc/${dir}/${e.name}`;
      const target = e.type === 'symlink' ? await fs.readlink(p) : '';
      rows.push(
        row('rc', `${dir}/${e.name}`, {
          path: p,
          runlevel: link.runlevel,
          action: link.action,
          priority: link.priority,
          target,
          // A start link to a script that is gone (or a plain file in its place) deserves a look.
          target_exists: await fs.exists(p).catch(() => false),
        }),
      );
    }
  }
  return rows;
}

export const autostart = defineCollector({
  name: 'autostart',
  area: 'system',
  description: 'Programs started at login or boot: XDG autostart entries (system and per user), /etc/init.d scripts and /etc/rc*.d links.',
  defaultEnabled: true,
  interval: 5 * MINUTE,
  timeout: 20 * SECOND,
  tables: [
    {
      name: 'autostart',
      key: ['source', 'name'],
      description: 'One row per autostart entry; source is xdg_system, xdg_user, init_d or rc.',
      drift: true,
    },
    { name: 'autostart_counts', key: ['source'], description: 'Entries per source.' },
  ],
  async collect(ctx) {
    const rows: FactRow[] = [...(await desktopRows(ctx, XDG_AUTOSTART, 'xdg_system', ''))];
    for (const h of await userHomes(ctx.fs, ctx)) {
      if (ctx.signal.aborted) throw new Error('autostart: aborted');
      rows.push(...(await desktopRows(ctx, `${h.home}/.config/autostart`, 'xdg_user', h.user)));
    }
    rows.push(...(await initScriptRows(ctx.fs)), ...(await rcLinkRows(ctx.fs)));
    const present = {
      xdg_system: await ctx.fs.exists(XDG_AUTOSTART),
      xdg_user: rows.some((r) => r.source === 'xdg_user'),
      init_d: await ctx.fs.exists(INIT_D),
      rc: rows.some((r) => r.source === 'rc'),
    };
    const counts = Object.entries(present)
      .filter(([, p]) => p)
      .map(([source]) => ({ source, entries: rows.filter((r) => r.source === source).length }));
    return [
      { name: 'autostart', rows },
      { name: 'autostart_counts', rows: counts },
    ];
  },
});
