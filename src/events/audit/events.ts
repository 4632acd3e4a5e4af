import { sha256Hex as sha256 } from '../../util/hash.js';
import * as path from 'node:path';
import { redactCommandLine } from '../../util/redact.js';
import { putAttr, type EventAttributes, type SecurityEvent } from '../types.js';
import { auditId, auditString, decodeAuditValue, decodeSockaddr, execveArgs, parseFields, redactArgs, syscallName, type AuditRecord } from './parse.js';

/** Records of one audit event (same time and serial). */
export type AuditGroup = AuditRecord[];

const ACCOUNT_EVENTS: Record<string, string> = {
  ADD_USER: 'hostbaseline.account.user_added',
  DEL_USER: 'hostbaseline.account.user_deleted',
  USER_MGMT: 'hostbaseline.account.user_modified',
  USER_CHAUTHTOK: 'hostbaseline.account.user_modified',
  CHUSER_ID: 'hostbaseline.account.user_modified',
  ACCT_LOCK: 'hostbaseline.account.user_modified',
  ACCT_UNLOCK: 'hostbaseline.account.user_modified',
  ADD_GROUP: 'hostbaseline.account.group_added',
  DEL_GROUP: 'hostbaseline.account.group_deleted',
  GRP_MGMT: 'hostbaseline.account.group_modified',
  CHGRP_ID: 'hostbaseline.account.group_modified',
  GRP_CHAUTHTOK: 'hostbaseline.account.group_modified',
};

export { sha256 };

/**
 * A command line may hold secrets: only its executable and a hash of the whole leave the host.
 * The hash is of the redacted line, so a short password cannot be guessed from it offline.
 */
export function commandAttributes(attrs: EventAttributes, command: string): void {
  const redacted = redactCommandLine(command);
  putAttr(attrs, 'process.executable.path', redacted.trim().split(/\s+/)[0]);
  putAttr(attrs, 'hostbaseline.command.sha256', sha256(redacted));
}

function processAttrs(attrs: EventAttributes, f: Record<string, string>, e: Record<string, string>): void {
  putAttr(attrs, 'process.pid', auditId(f.pid));
  putAttr(attrs, 'process.parent_pid', auditId(f.ppid));
  putAttr(attrs, 'process.executable.path', auditString(decodeAuditValue(f.exe)));
  putAttr(attrs, 'process.executable.name', auditString(decodeAuditValue(f.comm)));
  putAttr(attrs, 'user.id', auditId(f.uid));
  putAttr(attrs, 'user.name', auditString(e.UID));
  putAttr(attrs, 'process.user.id', auditId(f.euid));
  putAttr(attrs, 'hostbaseline.audit.auid', auditId(f.auid));
  putAttr(attrs, 'hostbaseline.audit.session', auditId(f.ses));
  putAttr(attrs, 'hostbaseline.audit.tty', auditString(f.tty));
}

function base(rec: AuditRecord): EventAttributes {
  return { 'hostbaseline.audit.serial': rec.serial, 'hostbaseline.audit.type': rec.type };
}

/** AppArmor denial (type=1400 / AVC with apparmor="DENIED"), from audit.log or a kernel log line. */
export function apparmorEvent(rec: AuditRecord): SecurityEvent | null {
  const f = rec.fields;
  if (f.apparmor !== 'DENIED') return null;
  const attrs = base(rec);
  putAttr(attrs, 'hostbaseline.apparmor.profile', decodeAuditValue(f.profile));
  putAttr(attrs, 'hostbaseline.apparmor.operation', f.operation);
  putAttr(attrs, 'hostbaseline.apparmor.class', f.class);
  putAttr(attrs, 'hostbaseline.apparmor.requested_mask', f.requested_mask);
  putAttr(attrs, 'hostbaseline.apparmor.denied_mask', f.denied_mask);
  putAttr(attrs, 'file.path', auditString(decodeAuditValue(f.name)));
  putAttr(attrs, 'process.pid', auditId(f.pid));
  putAttr(attrs, 'process.executable.name', auditString(decodeAuditValue(f.comm)));
  putAttr(attrs, 'user.id', auditId(f.fsuid ?? f.ouid));
  return { name: 'hostbaseline.apparmor.denied', severity: 'WARN', time: rec.time, attributes: attrs };
}

const SELINUX_AVC = /avc:\s+(denied|granted)\s+\{\s*([^}]*?)\s*\}\s+for\s+(.*)$/s;

/** SELinux AVC denial: `avc:  denied  { read } for pid=… comm="…" name="…" scontext=… tcontext=… tclass=file permissive=0`. */
export function selinuxEvent(rec: AuditRecord, rawBody: string): SecurityEvent | null {
  const m = SELINUX_AVC.exec(rawBody);
  if (!m || m[1] !== 'denied') return null;
  const f = parseFields(m[3]!);
  const attrs = base(rec);
  attrs['hostbaseline.selinux.permissions'] = m[2]!.split(/\s+/).filter(Boolean);
  putAttr(attrs, 'hostbaseline.selinux.scontext', f.scontext);
  putAttr(attrs, 'hostbaseline.selinux.tcontext', f.tcontext);
  putAttr(attrs, 'hostbaseline.selinux.tclass', f.tclass);
  putAttr(attrs, 'hostbaseline.selinux.permissive', f.permissive === undefined ? undefined : f.permissive === '1');
  putAttr(attrs, 'file.path', auditString(decodeAuditValue(f.path ?? f.name)));
  putAttr(attrs, 'process.pid', auditId(f.pid));
  putAttr(attrs, 'process.executable.name', auditString(decodeAuditValue(f.comm)));
  return { name: 'hostbaseline.selinux.denied', severity: 'WARN', time: rec.time, attributes: attrs };
}

function userEvent(rec: AuditRecord): SecurityEvent | null {
  const f = rec.fields;
  const account = ACCOUNT_EVENTS[rec.type];
  let name: string;
  if (account) name = account;
  else if (rec.type === 'USER_LOGIN') name = 'hostbaseline.user.login';
  else if (rec.type === 'USER_AUTH') name = 'hostbaseline.user.auth';
  else if (rec.type === 'USER_CMD') name = 'hostbaseline.user.command';
  else return null;
  const ok = f.res === 'success' || f.res === '1';
  const attrs = base(rec);
  processAttrs(attrs, f, rec.enriched);
  // The account acted on (acct= / id=), not the one acting (uid=).
  const acct = auditString(decodeAuditValue(f.acct));
  if (acct) attrs['user.name'] = acct;
  else {
    putAttr(attrs, 'hostbaseline.account.id', auditId(f.id));
    if (rec.enriched.ID) attrs['user.name'] = rec.enriched.ID;
  }
  putAttr(attrs, 'hostbaseline.audit.operation', auditString(f.op));
  putAttr(attrs, 'hostbaseline.audit.result', ok ? 'success' : 'failed');
  putAttr(attrs, 'client.address', auditString(f.addr));
  putAttr(attrs, 'hostbaseline.audit.hostname', auditString(f.hostname));
  putAttr(attrs, 'hostbaseline.audit.terminal', auditString(f.terminal));
  if (rec.type === 'USER_CMD') {
    const cmd = decodeAuditValue(f.cmd);
    if (cmd) commandAttributes(attrs, cmd);
    putAttr(attrs, 'process.working_directory', auditString(decodeAuditValue(f.cwd)));
  }
  const severity = !ok || account ? 'WARN' : 'INFO';
  return { name, severity, time: rec.time, attributes: attrs };
}

/** Turns one grouped audit event into security events (usually one, none for records of no interest). */
export function auditEvents(group: AuditGroup): SecurityEvent[] {
  const out: SecurityEvent[] = [];
  const byType = (t: string) => group.filter((r) => r.type === t);
  const syscall = byType('SYSCALL')[0];
  for (const r of group) {
    if (r.type === 'AVC' || r.type === 'APPARMOR_DENIED' || r.type === '1400') {
      const e = r.fields.apparmor ? apparmorEvent(r) : selinuxEvent(r, r.raw);
      if (e) {
        if (syscall) addSyscallContext(e.attributes, syscall);
        out.push(e);
      }
    } else {
      const e = userEvent(r);
      if (e) out.push(e);
    }
  }
  if (out.length > 0 || !syscall) return out;

  const f = syscall.fields;
  const attrs = base(syscall);
  addSyscallContext(attrs, syscall);
  const cwd = auditString(decodeAuditValue(byType('CWD')[0]?.fields.cwd));
  putAttr(attrs, 'process.working_directory', cwd);
  const sc = syscallName(syscall);
  const execve = byType('EXECVE')[0];
  if (execve || sc === 'execve' || sc === 'execveat') {
    if (execve) {
      const args = execveArgs(execve.fields);
      attrs['process.command_args'] = redactArgs(args);
      putAttr(attrs, 'process.args_count', Number(execve.fields.argc ?? args.length));
    }
    out.push({ name: 'hostbaseline.process.exec', severity: 'INFO', time: syscall.time, attributes: attrs });
    return out;
  }
  const sockaddr = decodeSockaddr(byType('SOCKADDR')[0]?.fields.saddr);
  if ((sc === 'connect' || sc === 'bind') && sockaddr) {
    const side = sc === 'connect' ? 'network.peer' : 'network.local';
    putAttr(attrs, 'network.type', sockaddr.family === 'inet' ? 'ipv4' : sockaddr.family === 'inet6' ? 'ipv6' : undefined);
    putAttr(attrs, 'network.transport', sockaddr.family === 'unix' ? 'unix' : undefined);
    putAttr(attrs, `${side}.address`, sockaddr.address);
    putAttr(attrs, `${side}.port`, sockaddr.port);
    out.push({ name: `hostbaseline.network.${sc}`, severity: 'INFO', time: syscall.time, attributes: attrs });
    return out;
  }
  // A file watch (-w path -p wa): the PATH records name the file.
  const paths = byType('PATH').filter((p) => p.fields.nametype !== 'PARENT');
  if (paths.length > 0 && auditString(f.key)) {
    const p = paths[0]!;
    let name = auditString(decodeAuditValue(p.fields.name));
    if (name && !name.startsWith('/') && cwd) name = path.posix.join(cwd, name);
    putAttr(attrs, 'file.path', name);
    putAttr(attrs, 'file.inode', auditId(p.fields.inode));
    putAttr(attrs, 'hostbaseline.audit.nametype', p.fields.nametype);
    out.push({ name: 'hostbaseline.audit.file', severity: 'INFO', time: syscall.time, attributes: attrs });
    return out;
  }
  if (auditString(f.key)) out.push({ name: 'hostbaseline.audit.syscall', severity: 'INFO', time: syscall.time, attributes: attrs });
  return out;
}

function addSyscallContext(attrs: EventAttributes, syscall: AuditRecord): void {
  const f = syscall.fields;
  processAttrs(attrs, f, syscall.enriched);
  putAttr(attrs, 'hostbaseline.audit.syscall', syscallName(syscall) ?? f.syscall);
  putAttr(attrs, 'hostbaseline.audit.success', f.success === undefined ? undefined : f.success === 'yes');
  putAttr(attrs, 'hostbaseline.audit.exit', f.exit !== undefined && /^-?\d+$/.test(f.exit) ? Number(f.exit) : undefined);
  putAttr(attrs, 'hostbaseline.audit.key', auditString(decodeAuditValue(f.key)));
}

/**
 * Groups records by event serial. auditd writes the records of one event together but
 * gives no end marker for all of them (EOE is not always there), so a group is complete
 * at EOE, or after `windowMs` without a new record of it.
 */
export class AuditAssembler {
  private readonly open = new Map<string, { records: AuditRecord[]; last: number }>();

  constructor(
    private readonly onGroup: (g: AuditGroup) => void,
    private readonly windowMs = 300,
    private readonly maxOpen = 2048,
  ) {}

  add(rec: AuditRecord, now: number): void {
    const id = `${rec.time}:${rec.serial}`;
    if (rec.type === 'EOE') {
      const g = this.open.get(id);
      this.open.delete(id);
      if (g) this.onGroup(g.records);
      return;
    }
    let g = this.open.get(id);
    if (!g) {
      g = { records: [], last: now };
      this.open.set(id, g);
      if (this.open.size > this.maxOpen) {
        const [oldest, og] = this.open.entries().next().value as [string, { records: AuditRecord[] }];
        this.open.delete(oldest);
        this.onGroup(og.records);
      }
    }
    g.records.push(rec);
    g.last = now;
  }

  /** Completes groups idle for the window (all of them with `all`). */
  flush(now: number, all = false): void {
    for (const [id, g] of this.open) {
      if (all || now - g.last >= this.windowMs) {
        this.open.delete(id);
        this.onGroup(g.records);
      }
    }
  }

  get pending(): number {
    return this.open.size;
  }
}
