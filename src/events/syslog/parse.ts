/** Pure parsing of syslog lines and journal JSON entries into auth events. */
import { apparmorEvent, commandAttributes } from '../audit/events.js';
import { parseAuditLine } from '../audit/parse.js';
import { putAttr, type EventAttributes, type SecurityEvent } from '../types.js';
import { redactText } from '../../util/redact.js';

export interface LogEntry {
  time: number;
  host?: string;
  program: string;
  pid?: number;
  message: string;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const RFC3164 = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: ?(.*)$/s;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: ?(.*)$/s;

/**
 * A syslog file line (traditional `Nov 27 09:30:01 host sshd[1]: …` or rsyslog's
 * RFC 3339 timestamps). Traditional lines have no year: the one that is not in the future is used.
 */
export function parseSyslogLine(line: string, now: number): LogEntry | null {
  let m = RFC3339.exec(line);
  if (m) {
    const t = Date.parse(m[1]!);
    if (Number.isNaN(t)) return null;
    return { time: t, host: m[2]!, program: m[3]!, ...(m[4] ? { pid: Number(m[4]) } : {}), message: m[5]! };
  }
  m = RFC3164.exec(line);
  if (!m || MONTHS[m[1]!] === undefined) return null;
  const year = new Date(now).getFullYear();
  const at = (y: number) => new Date(y, MONTHS[m![1]!]!, Number(m![2]), Number(m![3]), Number(m![4]), Number(m![5])).getTime();
  let t = at(year);
  if (t > now + 86_400_000) t = at(year - 1);
  return { time: t, host: m[6]!, program: m[7]!, ...(m[8] ? { pid: Number(m[8]) } : {}), message: m[9]! };
}

/** One line of `journalctl -o json`. MESSAGE may be an array of bytes (non-UTF-8). */
export function parseJournalLine(line: string): LogEntry | null {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!j || typeof j !== 'object') return null;
  let message = j.MESSAGE;
  if (Array.isArray(message)) message = Buffer.from(message as number[]).toString('utf8');
  if (typeof message !== 'string') return null;
  const us = Number(j.__REALTIME_TIMESTAMP);
  const program = String(j.SYSLOG_IDENTIFIER ?? j._COMM ?? (j._TRANSPORT === 'kernel' ? 'kernel' : ''));
  const pid = Number(j._PID ?? j.SYSLOG_PID);
  return {
    time: Number.isFinite(us) ? Math.floor(us / 1000) : Date.now(),
    ...(typeof j._HOSTNAME === 'string' ? { host: j._HOSTNAME } : {}),
    program,
    ...(Number.isInteger(pid) ? { pid } : {}),
    message,
  };
}

const SSH_OK = /^Accepted (\S+) for (\S+) from (\S+) port (\d+)/;
const SSH_FAIL = /^Failed (\S+) for (invalid user )?(\S+) from (\S+) port (\d+)/;
const SSH_INVALID = /^Invalid user (\S*) from (\S+)(?: port (\d+))?/;
const SUDO = /^\s*(\S+) : (.*?)(?:TTY=(\S+) ; )?PWD=(.*?) ; USER=(\S+) ;(?: GROUP=\S+ ;)?(?: ENV=.*? ;)?(?: TSID=\S+ ;)? COMMAND=(.*)$/s;
const SU_OPEN = /pam_unix\(su(?:-l)?:session\): session opened for user (\S+?)(?:\(uid=\d+\))? by (\S*?)\(uid=(\d+)\)/;
const SU_FAIL = /pam_unix\(su(?:-l)?:auth\): authentication failure;.*?ruser=(\S*).*?user=(\S+)/;
const SU_FAIL_OLD = /^FAILED SU \(to (\S+)\) (\S+) on (\S+)/;

function ev(name: string, severity: SecurityEvent['severity'], e: LogEntry, attrs: EventAttributes): SecurityEvent {
  // Log text is host-supplied: a password typed as a user name, a token in a working directory.
  for (const [k, v] of Object.entries(attrs)) if (typeof v === 'string') attrs[k] = redactText(v);
  putAttr(attrs, 'process.pid', e.pid);
  putAttr(attrs, 'hostbaseline.log.program', e.program);
  return { name, severity, time: e.time, attributes: attrs };
}

/** Classifies a log entry: sshd logins, sudo, su, kernel AppArmor denials; null for anything else. */
export function logEvent(e: LogEntry): SecurityEvent | null {
  const msg = e.message;
  const prog = e.program;
  if (prog === 'sshd' || prog.startsWith('sshd-')) {
    let m = SSH_OK.exec(msg);
    if (m) return ev('hostbaseline.ssh.login_succeeded', 'INFO', e, { 'user.name': m[2]!, 'hostbaseline.auth.method': m[1]!, 'source.address': m[3]!, 'source.port': Number(m[4]) });
    m = SSH_FAIL.exec(msg);
    if (m)
      return ev('hostbaseline.ssh.login_failed', 'WARN', e, {
        'user.name': m[3]!,
        'hostbaseline.auth.method': m[1]!,
        'hostbaseline.auth.invalid_user': !!m[2],
        'source.address': m[4]!,
        'source.port': Number(m[5]),
      });
    m = SSH_INVALID.exec(msg);
    if (m) {
      const attrs: EventAttributes = { 'hostbaseline.auth.method': 'none', 'hostbaseline.auth.invalid_user': true, 'source.address': m[2]! };
      putAttr(attrs, 'user.name', m[1]);
      putAttr(attrs, 'source.port', m[3] ? Number(m[3]) : undefined);
      return ev('hostbaseline.ssh.login_failed', 'WARN', e, attrs);
    }
    return null;
  }
  if (prog === 'sudo') {
    const m = SUDO.exec(msg);
    if (!m) return null;
    const attrs: EventAttributes = { 'user.name': m[1]!, 'hostbaseline.sudo.target_user': m[5]! };
    putAttr(attrs, 'hostbaseline.audit.terminal', m[3]);
    putAttr(attrs, 'process.working_directory', m[4]);
    commandAttributes(attrs, m[6]!);
    const problem = m[2]!;
    if (/incorrect password attempt/.test(problem)) return ev('hostbaseline.sudo.auth_failed', 'WARN', e, attrs);
    if (/NOT in sudoers|not allowed|command not allowed/.test(problem)) return ev('hostbaseline.sudo.denied', 'WARN', e, attrs);
    return ev('hostbaseline.sudo.command', 'INFO', e, attrs);
  }
  if (prog === 'su') {
    let m = SU_OPEN.exec(msg);
    if (m) return ev('hostbaseline.su.session', 'INFO', e, { 'hostbaseline.su.target_user': m[1]!, 'user.name': m[2]!, 'user.id': Number(m[3]) });
    m = SU_FAIL.exec(msg);
    if (m) return ev('hostbaseline.su.failed', 'WARN', e, { 'user.name': m[1]!, 'hostbaseline.su.target_user': m[2]! });
    m = SU_FAIL_OLD.exec(msg);
    if (m) return ev('hostbaseline.su.failed', 'WARN', e, { 'hostbaseline.su.target_user': m[1]!, 'user.name': m[2]! });
    return null;
  }
  if (prog === 'kernel' && msg.includes('apparmor="DENIED"')) {
    const at = msg.indexOf('type=');
    const rec = at >= 0 ? parseAuditLine(msg.slice(at).replace(/^type=(\d+) audit\(/, 'type=$1 msg=audit(')) : null;
    const denial = rec ? apparmorEvent(rec) : null;
    if (denial) {
      denial.attributes['hostbaseline.log.program'] = 'kernel';
      return denial;
    }
  }
  return null;
}
