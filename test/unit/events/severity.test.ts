import { describe, expect, it } from 'vitest';
import { DriftDiffer } from '../../../src/drift/differ.js';
import { classify, parseSeverityOverrides, RISK_RULES, RULE_ATTRIBUTE, withRiskSeverity } from '../../../src/events/severity.js';
import type { TableSpec } from '../../../src/collectors/types.js';
import type { EventSink, SecurityEvent } from '../../../src/events/types.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { tempDir } from '../../helpers.js';

function risky(overrides = {}) {
  const events: SecurityEvent[] = [];
  const s: EventSink = withRiskSeverity({ emit: (_src, e) => events.push(e), dropped: () => {} }, overrides);
  return { s, events };
}

const spec = (name: string, key: string[]): TableSpec => ({ name, key, description: name, drift: true });

/** Drift of one table from `before` to `after`, through the risk table: [body, severity, rule]. */
function drift(table: TableSpec, before: Record<string, unknown>[], after: Record<string, unknown>[], overrides = {}) {
  const r = risky(overrides);
  const d = new DriftDiffer({ sink: r.s, stateDir: tempDir(), log: memoryLogger(), maxPerTable: 100 });
  d.onTables('c', [table], [{ name: table.name, rows: before as never }], 1);
  d.onTables('c', [table], [{ name: table.name, rows: after as never }], 2);
  return r.events.slice(1).map((e) => [e.body, e.severity, e.attributes[RULE_ATTRIBUTE]]);
}

describe('severity by risk', () => {
  it('ERROR for a new uid-0 account, INFO for a routine one', () => {
    const users = spec('users', ['name']);
    expect(drift(users, [{ name: 'root', uid: 0 }], [{ name: 'root', uid: 0 }, { name: 'eve', uid: 0 }, { name: 'bob', uid: 1001 }])).toEqual([
      ['user eve (uid 0) added', 'ERROR', 'uid0_account'],
      ['user bob (uid 1001) added', 'INFO', 'routine_drift'],
    ]);
    expect(drift(users, [{ name: 'bob', uid: 1001 }], [{ name: 'bob', uid: 0 }])).toEqual([['user bob (uid 0) changed: uid 1001 → 0', 'ERROR', 'uid0_account']]);
  });

  it('ERROR for a SUID file outside package-owned directories, INFO inside', () => {
    const t = spec('suid_files', ['path']);
    const row = (path: string) => ({ path, owner: 'root', mode: '4755', setuid: true, setgid: false });
    expect(drift(t, [], [row('/tmp/.x/sh'), row('/usr/bin/passwd')]).map((e) => e.slice(1))).toEqual([
      ['ERROR', 'setid_outside_packages'],
      ['INFO', 'routine_drift'],
    ]);
  });

  it('ERROR for a NOPASSWD sudo rule and an out-of-tree kernel module; WARN for a wildcard listener', () => {
    expect(drift(spec('sudo_rules', ['file', 'principal', 'runas', 'nopasswd', 'all_commands']), [], [{ file: '/etc/sudoers.d/x', principal: 'eve', runas: 'ALL', nopasswd: true, all_commands: true }])[0]!.slice(1)).toEqual(['ERROR', 'nopasswd_sudo']);
    expect(drift(spec('kernel_modules', ['name']), [], [{ name: 'rootkit', tree: 'out_of_tree', signature: 'unsigned' }, { name: 'ext4', tree: 'in_tree', signature: 'signed' }]).map((e) => e.slice(1))).toEqual([
      ['ERROR', 'out_of_tree_module'],
      ['INFO', 'routine_drift'],
    ]);
    const ports = spec('listening_ports', ['protocol', 'address', 'port', 'netns']);
    expect(drift(ports, [], [{ protocol: 'tcp', address: '0.0.0.0', port: 4444, netns: 1 }, { protocol: 'tcp', address: '127.0.0.1', port: 5555, netns: 1 }])).toEqual([
      ['listening port tcp 0.0.0.0:4444 added', 'WARN', 'wildcard_listener'],
      ['listening port tcp 127.0.0.1:5555 added', 'INFO', 'routine_drift'],
    ]);
  });

  it('ERROR for a modified package-owned binary (FIM and drift of files)', () => {
    const fim = (name: string, path: string, mode = '0755'): SecurityEvent => ({ name, severity: 'WARN', time: 1, attributes: { 'file.path': path, 'file.mode': mode } });
    expect(classify(fim('hostbaseline.file.modified', '/usr/bin/sudo'))).toEqual({ severity: 'ERROR', rule: 'package_binary_modified' });
    expect(classify(fim('hostbaseline.file.modified', '/etc/hosts'))).toEqual({ severity: 'WARN', rule: null });
    expect(classify(fim('hostbaseline.file.created', '/home/eve/sh', '4755'))).toEqual({ severity: 'ERROR', rule: 'setid_outside_packages' });
    const files = spec('files', ['path']);
    expect(drift(files, [{ path: '/usr/sbin/sshd', sha256: 'a'.repeat(64) }], [{ path: '/usr/sbin/sshd', sha256: 'b'.repeat(64) }])).toEqual([
      [`file /usr/sbin/sshd changed: sha256 aaaaaaaa… → bbbbbbbb…`, 'ERROR', 'package_binary_modified'],
    ]);
    // package_files: a packaged binary that stops matching its package; a conffile or a missing doc is routine.
    const changes = spec('package_file_changes', ['manager', 'package', 'path', 'kind']);
    const change = (path: string, kind: string, config: boolean, binary: boolean) => ({ manager: 'deb', package: 'openssh-server', path, kind, config, binary });
    expect(
      drift(changes, [], [change('/etc/ssh/moduli', 'modified', true, false), change('/usr/sbin/sshd', 'modified', false, true), change('/usr/share/doc/x', 'missing', false, false)]).map((e) => e.slice(1)),
    ).toEqual([
      ['INFO', 'routine_drift'],
      ['ERROR', 'package_binary_modified'],
      ['INFO', 'routine_drift'],
    ]);
  });

  it('operators override a rule or an event name in the config file', () => {
    const users = spec('users', ['name']);
    const o = parseSeverityOverrides({ uid0_account: 'warn', 'hostbaseline.drift.added': 'WARN' }, 'events.severity');
    expect(o).toEqual({ uid0_account: 'WARN', 'hostbaseline.drift.added': 'WARN' });
    expect(drift(users, [], [{ name: 'eve', uid: 0 }, { name: 'bob', uid: 1001 }], o as object).map((e) => e[1])).toEqual(['WARN', 'WARN']);
    // An event-name override never lowers what a risk rule caught.
    expect(drift(users, [], [{ name: 'eve', uid: 0 }, { name: 'bob', uid: 1001 }], { 'hostbaseline.drift.added': 'INFO' }).map((e) => e[1])).toEqual(['ERROR', 'INFO']);
    expect(classify({ name: 'hostbaseline.file.deleted', severity: 'WARN', time: 1, attributes: {} }, { 'hostbaseline.file.deleted': 'INFO' }).severity).toBe('INFO');
    expect(parseSeverityOverrides({ nope: 'ERROR' }, 'events.severity')).toMatch(/"nope" is neither a rule/);
    expect(parseSeverityOverrides({ uid0_account: 'CRITICAL' }, 'events.severity')).toMatch(/expected INFO, WARN or ERROR/);
  });

  it('every rule has a unique id and is shown in docs/events.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    expect(new Set(RISK_RULES.map((r) => r.id)).size).toBe(RISK_RULES.length);
    for (const r of RISK_RULES) expect(doc, r.id).toContain(`| \`${r.id}\` | ${r.severity} |`);
  });
});

describe('events.severity in the config file', () => {
  it('is read into the exporter config and kept out of the events section', async () => {
    const { writeFileSync } = await import('node:fs');
    const { readConfigFile } = await import('../../../src/config/config.js');
    const file = `${tempDir()}/config.yaml`;
    writeFileSync(file, 'events:\n  queue_size: 10\n  severity:\n    wildcard_listener: ERROR\n    hostbaseline.file.created: WARN\n');
    const c = readConfigFile(file, []);
    expect(c.eventSeverity).toEqual({ wildcard_listener: 'ERROR', 'hostbaseline.file.created': 'WARN' });
    expect(c.events).toEqual({ queue_size: 10 });
    writeFileSync(file, 'events:\n  severity:\n    wildcard_listener: LOUD\n');
    expect(() => readConfigFile(file, [])).toThrow(/events\.severity\.wildcard_listener: expected INFO, WARN or ERROR/);
  });
});
