export interface MdArray {
  array: string;
  /** active or inactive. */
  state: string;
  read_only: boolean;
  level: string;
  /** Member devices with their role number and flags: `sdb1[1]`, `sdc1[2](F)`. */
  members: string[];
  failed: number;
  spare: number;
  raid_disks: number | null;
  active_disks: number | null;
  /** `[UU_]`: U up, _ down; empty for levels without redundancy (raid0, linear). */
  status: string;
  degraded: number;
  /** The resync, recovery, reshape, check or repair that is running; empty when none runs. */
  sync_action: string;
  sync_percent: number | null;
  /** A resync or recovery that waits (`resync=DELAYED`, `resync=PENDING`): `resync delayed`, …; it is not running. */
  sync_waiting: string;
}

/** Levels that keep no redundancy: mdstat prints no `[n/m] [UU]` for them, every listed member is a disk. */
const NO_REDUNDANCY = new Set(['raid0', 'linear']);

/** Disk counts of an array without a status line (raid0, linear): its members, of which the failed ones are down. */
function memberCounts(a: MdArray): void {
  if (a.raid_disks !== null || !NO_REDUNDANCY.has(a.level)) return;
  a.raid_disks = a.members.length - a.spare;
  a.active_disks = a.raid_disks - a.failed;
  a.degraded = a.failed;
}

/** An inactive array serves no data, whatever its last `[n/m]` said: none of its disks is active. */
function inactiveCounts(a: MdArray): void {
  if (a.state !== 'inactive' || a.raid_disks === null) return;
  a.active_disks = 0;
  a.degraded = a.raid_disks;
}

const LEVELS = /^(raid\d+|linear|multipath|faulty|container)$/;

/**
 * Parses /proc/mdstat. Each array starts with `mdN : state [(ro)] [level] members…`; the
 * indented lines after it carry `[n/m] [UU_]` and any resync progress.
 */
export function parseMdstat(text: string, onBad?: (array: string, reason: string) => void): MdArray[] {
  const out: MdArray[] = [];
  let cur: MdArray | null = null;
  for (const raw of text.split('\n')) {
    const head = /^(md[\w/]*)\s*:\s*(.*)$/.exec(raw);
    if (head) {
      const words = head[2]!.trim().split(/\s+/).filter(Boolean);
      const state = words.shift() ?? '';
      if (state !== 'active' && state !== 'inactive') {
        onBad?.(head[1]!, `unknown state ${JSON.stringify(state)}`);
        cur = null;
        continue;
      }
      let readOnly = false;
      while (words[0]?.startsWith('(')) {
        if (/read-only/.test(words[0])) readOnly = true;
        words.shift();
      }
      const level = words[0] && LEVELS.test(words[0]) ? words.shift()! : '';
      cur = {
        array: head[1]!,
        state,
        read_only: readOnly,
        level,
        members: words,
        failed: words.filter((w) => w.endsWith('(F)')).length,
        spare: words.filter((w) => w.endsWith('(S)')).length,
        raid_disks: null,
        active_disks: null,
        status: '',
        degraded: 0,
        sync_action: '',
        sync_percent: null,
        sync_waiting: '',
      };
      out.push(cur);
      continue;
    }
    if (!cur || !/^\s/.test(raw)) {
      cur = raw.trim() === '' ? cur : null;
      continue;
    }
    const counts = /\[(\d+)\/(\d+)\]\s+\[([U_]+)\]/.exec(raw);
    if (counts) {
      cur.raid_disks = Number(counts[1]);
      cur.active_disks = Number(counts[2]);
      cur.status = counts[3]!;
      cur.degraded = Math.max(cur.raid_disks - cur.active_disks, [...cur.status].filter((c) => c === '_').length);
    } else if (/\[\d+\/\d+\]|\[[U_]+\]/.test(raw) && !/\]\s+\w+\s*=/.test(raw)) {
      onBad?.(cur.array, `cannot read the member status in ${JSON.stringify(raw.trim())}`);
    }
    const sync = /\b(recovery|resync|reshape|check|repair)\s*=\s*([\d.]+)%/.exec(raw);
    if (sync) {
      cur.sync_action = sync[1]!;
      cur.sync_percent = Number(sync[2]);
    } else {
      const waiting = /\b(resync|recovery)\s*=\s*(DELAYED|PENDING)\b/.exec(raw);
      if (waiting) cur.sync_waiting = `${waiting[1]} ${waiting[2]!.toLowerCase()}`;
    }
  }
  for (const a of out) {
    memberCounts(a);
    inactiveCounts(a);
  }
  return out;
}
