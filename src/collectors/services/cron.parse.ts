/** A job line of a crontab. The command stays inside the collector: only its hash and executable leave. */
export interface CronJob {
  line: number;
  schedule: string;
  /** Empty for user crontabs, whose owner is the file name. */
  user: string;
  command: string;
}

const NICKNAMES = new Set(['@reboot', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELD_RE = /^[0-9A-Za-z*/,\-?LW#]+$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]*\s*=/;

/**
 * Parses crontab(5) text. `withUser`: the system format of /etc/crontab and /etc/cron.d, where a
 * user field follows the schedule. Environment lines and comments are skipped; a malformed line
 * is reported and skipped.
 */
export function parseCrontab(
  text: string,
  withUser: boolean,
  onBad?: (line: number, reason: string) => void,
): CronJob[] {
  const jobs: CronJob[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || ENV_RE.test(line)) continue;
    const words = line.split(/\s+/);
    let schedule: string;
    let rest: string[];
    if (words[0]!.startsWith('@')) {
      const nick = words[0]!.toLowerCase();
      if (!NICKNAMES.has(nick)) {
        onBad?.(i + 1, `unknown schedule ${words[0]}`);
        continue;
      }
      schedule = nick;
      rest = words.slice(1);
    } else {
      const fields = words.slice(0, 5);
      if (fields.length < 5 || !fields.every((f) => FIELD_RE.test(f))) {
        onBad?.(i + 1, 'expected five schedule fields');
        continue;
      }
      schedule = fields.join(' ');
      rest = words.slice(5);
    }
    const user = withUser ? (rest.shift() ?? '') : '';
    const command = rest.join(' ');
    if ((withUser && user === '') || command === '') {
      onBad?.(i + 1, withUser ? 'expected a user and a command' : 'expected a command');
      continue;
    }
    jobs.push({ line: i + 1, schedule, user, command });
  }
  return jobs;
}

/** run-parts(8) only runs names of letters, digits, underscores and hyphens (Debian's cron.d rule too). */
export function runPartsName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}
