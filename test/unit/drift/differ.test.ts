import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableSpec } from '../../../src/collectors/types.js';
import { diffTable, DriftDiffer } from '../../../src/drift/differ.js';
import type { EventSink, SecurityEvent } from '../../../src/events/types.js';
import { memoryLogger } from '../../../src/util/logger.js';
import { tempDir } from '../../helpers.js';

const users: TableSpec = { name: 'users', key: ['name'], description: 'users', drift: true, volatile: ['last_seen'] };
const facts: TableSpec = { name: 'facts', key: ['k'], description: 'not a drift table' };

function sink() {
  const events: SecurityEvent[] = [];
  const dropped: [string, string, number][] = [];
  const s: EventSink = { emit: (_src, e) => events.push(e), dropped: (src, reason, n = 1) => dropped.push([src, reason, n]) };
  return { s, events, dropped };
}

describe('diffTable', () => {
  it('finds added, removed and changed rows by key, ignoring volatile columns', () => {
    const before = [
      { name: 'alice', uid: 1000, shell: '/bin/bash', last_seen: 1 },
      { name: 'bob', uid: 1001, shell: '/bin/sh', last_seen: 1 },
    ];
    const after = [
      { name: 'alice', uid: 1000, shell: '/bin/bash', last_seen: 99 },
      { name: 'bob', uid: 0, shell: '/bin/sh', last_seen: 1 },
      { name: 'eve', uid: 0, shell: '/bin/bash', last_seen: 1 },
    ];
    const changes = diffTable(users, before, after);
    expect(changes.map((c) => [c.kind, c.key, c.columns])).toEqual([
      ['changed', { name: 'bob' }, ['uid']],
      ['added', { name: 'eve' }, []],
    ]);
    expect(diffTable(users, after, before).map((c) => c.kind)).toEqual(['changed', 'removed']);
  });
});

describe('DriftDiffer', () => {
  it('sends one snapshot on the first run ever, then differences; a restart does not re-announce', () => {
    const state = tempDir();
    const a = sink();
    const d = new DriftDiffer({ sink: a.s, stateDir: state, log: memoryLogger(), maxPerTable: 100 });
    const rows1 = [{ name: 'alice', uid: 1000, last_seen: 1 }];
    d.onTables('users', [users, facts], [{ name: 'users', rows: rows1 }, { name: 'facts', rows: [{ k: 'x' }] }], 1000);
    expect(a.events).toEqual([
      {
        name: 'hostbaseline.drift.snapshot',
        severity: 'INFO',
        time: 1000,
        attributes: { 'hostbaseline.collector': 'users', 'hostbaseline.table': 'users', 'hostbaseline.drift.rows': 1 },
        body: 'users baseline recorded: 1 rows',
      },
    ]);
    expect(readdirSync(`${state}/drift`)).toEqual(['users.users.json']);

    // A new process with the same state directory: nothing to announce for an unchanged table.
    const b = sink();
    const d2 = new DriftDiffer({ sink: b.s, stateDir: state, log: memoryLogger(), maxPerTable: 100 });
    d2.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 1000, last_seen: 50 }] }], 2000);
    expect(b.events).toEqual([]);
    d2.onTables('users', [users], [{ name: 'users', rows: [{ name: 'alice', uid: 0, last_seen: 50 }, { name: 'mallory', uid: 0, last_seen: 3 }] }], 3000);
    expect(b.events.map((e) => [e.name, e.attributes['hostbaseline.drift.key']])).toEqual([
      ['hostbaseline.drift.changed', { name: 'alice' }],
      ['hostbaseline.drift.added', { name: 'mallory' }],
    ]);
    expect(b.events[0]!.attributes).toMatchObject({
      'hostbaseline.drift.changed_columns': ['uid'],
      'hostbaseline.drift.old': { uid: 1000 },
      'hostbaseline.drift.new': { uid: 0 },
      'user.name': 'alice',
      'user.id': '0',
    });
    expect(b.events[0]!.body).toBe('user alice (uid 0) changed: uid 1000 → 0');
    expect(b.events[1]!.attributes['hostbaseline.drift.row']).toEqual({ name: 'mallory', uid: 0 });
    expect(b.events[1]!.body).toBe('user mallory (uid 0) added');
    d2.onTables('users', [users], [{ name: 'users', rows: [] }], 4000);
    expect(b.events.slice(2).map((e) => e.name)).toEqual(['hostbaseline.drift.removed', 'hostbaseline.drift.removed']);
  });

  it('caps events per table and refresh with a summary', () => {
    const a = sink();
    const d = new DriftDiffer({ sink: a.s, stateDir: tempDir(), log: memoryLogger(), maxPerTable: 3 });
    d.onTables('users', [users], [{ name: 'users', rows: [] }], 1);
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `u${i}`, uid: i }));
    d.onTables('users', [users], [{ name: 'users', rows: many }], 2);
    expect(a.events.map((e) => e.name)).toEqual([
      'hostbaseline.drift.snapshot',
      'hostbaseline.drift.added',
      'hostbaseline.drift.added',
      'hostbaseline.drift.added',
      'hostbaseline.drift.summary',
    ]);
    expect(a.events[4]!.attributes).toMatchObject({ 'hostbaseline.drift.added': 10, 'hostbaseline.drift.not_sent': 7 });
    expect(a.dropped).toEqual([['drift', 'per_table_cap', 7]]);
  });

  it('treats an unreadable baseline file as a first run', async () => {
    const state = tempDir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${state}/drift`);
    writeFileSync(`${state}/drift/users.users.json`, '{not json');
    const a = sink();
    new DriftDiffer({ sink: a.s, stateDir: state, log: memoryLogger(), maxPerTable: 3 }).onTables('users', [users], [{ name: 'users', rows: [] }], 1);
    expect(a.events.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot']);
  });
});

describe('host-only columns', () => {
  it('never appear in drift events, added, removed or changed', () => {
    const { s: events, events: sent } = sink();
    const differ = new DriftDiffer({ sink: events, stateDir: tempDir('hb-drift-'), log: memoryLogger(), maxPerTable: 100 });
    const spec: TableSpec = { name: 'processes', key: ['pid'], description: '', drift: true, hostOnly: ['cmdline'] };
    differ.onTables('processes', [spec], [{ name: 'processes', rows: [{ pid: 1, exe: '/sbin/init', cmdline: 'init' }] }], 1000);
    differ.onTables('processes', [spec], [{ name: 'processes', rows: [{ pid: 1, exe: '/sbin/init', cmdline: 'init --password=hunter2' }, { pid: 2, exe: '/usr/bin/mysql', cmdline: 'mysql -phunter2' }] }], 2000);
    differ.onTables('processes', [spec], [{ name: 'processes', rows: [{ pid: 1, exe: '/sbin/init', cmdline: 'init' }] }], 3000);
    expect(sent.map((e) => e.name)).toEqual(['hostbaseline.drift.snapshot', 'hostbaseline.drift.added', 'hostbaseline.drift.removed']);
    expect(JSON.stringify(sent)).not.toContain('hunter2');
    expect(JSON.stringify(sent)).toContain('/usr/bin/mysql');
  });
});

describe('record bodies', () => {
  it('escape control characters of host values and cut long ones', async () => {
    const { driftBody } = await import('../../../src/drift/describe.js');
    expect(driftBody('added', 'users', ['name'], { name: 'ev\ne\x1b[31m', uid: 0 })).toBe('user ev\\x0ae\\x1b[31m (uid 0) added');
    expect(driftBody('added', 'cron_scripts', ['path'], { path: '/etc/cron.daily/' + 'x'.repeat(200) }).length).toBeLessThan(120);
    expect(driftBody('changed', 'init_rlimits', ['resource', 'kind'], { resource: 'nofile', kind: 'soft', value: Infinity }, { resource: 'nofile', kind: 'soft', value: 1024 }, ['value'])).toBe(
      'soft limit nofile of PID 1 changed: value 1024 → unlimited',
    );
  });
});
