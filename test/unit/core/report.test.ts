import { describe, expect, it } from 'vitest';
import type { CollectorState } from '../../../src/collectors/scheduler.js';
import type { Area, FactRow, TableSpec } from '../../../src/collectors/types.js';
import { buildReport, factsAsJson, factTables } from '../../../src/report/model.js';
import { h, PAGE_SIZE, renderReport, renderTablePage, searchRows } from '../../../src/report/render.js';

function state(name: string, area: Area, tables: Record<string, FactRow[]>, extra: Partial<CollectorState> = {}, specs: Partial<TableSpec>[] = []): CollectorState {
  const tableSpecs = Object.keys(tables).map((t) => ({ name: t, key: [], description: `${t} rows`, ...specs.find((s) => s.name === t) }));
  return {
    spec: { name, area, description: '', defaultEnabled: true, interval: 1000, timeout: 1000, tables: tableSpecs, collect: async () => [] },
    config: { enabled: true, interval: 1000, timeout: 1000, options: {} },
    runs: 1,
    success: true,
    lastDurationMs: 3.4,
    lastSuccessAt: Date.UTC(2026, 0, 15, 12, 0, 0),
    errorsTotal: 0,
    parseErrorsTotal: 0,
    droppedTotal: 0,
    cappedTotal: 0,
    lastError: null,
    tables: Object.entries(tables).map(([n, rows]) => ({ name: n, rows })),
    rendered: null,
    inFlight: false,
    ...extra,
  };
}

const NOW = Date.UTC(2026, 0, 15, 12, 5, 0);

describe('host report model', () => {
  it('finds risks in fact rows, high before medium, failing collectors last', () => {
    const states = [
      state('users', 'users', { users: [{ name: 'root', uid: 0 }, { name: 'toor', uid: 0, shell: '/bin/sh' }, { name: 'eve', uid: 1000 }] }),
      state('listening_ports', 'network', { listening_ports: [{ protocol: 'tcp', address: '0.0.0.0', port: 22, wildcard: true, process: 'sshd', exe: '/usr/sbin/sshd' }, { protocol: 'tcp', address: '127.0.0.1', port: 25, wildcard: false }] }),
      state('apt_sources', 'supply_chain', { apt_sources: [{ manager: 'apt', url: 'http://x/', insecure: true, enabled: true, insecure_reasons: 'plain_transport', file: '/etc/apt/sources.list' }, { manager: 'apt', url: 'http://y/', insecure: true, enabled: false }] }),
      state('yum_repos', 'supply_chain', { yum_sources: [{ manager: 'yum', url: 'http://z/', insecure: true, enabled: true, insecure_reasons: 'unsigned', file: '/etc/yum.repos.d/a.repo' }] }),
      state('smart', 'devices', {}, { success: false, lastError: '/dev/sda: permission denied', tables: null }),
    ];
    const r = buildReport(states, NOW);
    expect(r.risks.map((x) => [x.id, x.severity, x.items.map((i) => i.text)])).toEqual([
      ['uid0_account', 'high', ['toor (uid 0, shell /bin/sh)']],
      ['wildcard_listener', 'medium', ['tcp 0.0.0.0:22 — sshd (/usr/sbin/sshd)']],
      ['insecure_package_source', 'medium', ['apt http://x/: plain_transport (/etc/apt/sources.list)', 'yum http://z/: unsigned (/etc/yum.repos.d/a.repo)']],
      ['failing_collector', 'low', ['smart: /dev/sda: permission denied']],
    ]);
    // Each item knows the table its row is in.
    expect(r.risks[2]!.items.map((i) => `${i.collector}/${i.table}?q=${i.search}`)).toEqual(['apt_sources/apt_sources?q=http://x/', 'yum_repos/yum_sources?q=http://z/']);
    expect(r.collectors.find((c) => c.name === 'smart')).toMatchObject({ status: 'failed', lastError: '/dev/sda: permission denied' });
    expect(r.lastRefresh).toBe('2026-01-15T12:00:00.000Z');
    expect(r.generatedAt).toBe('2026-01-15T12:05:00.000Z');
  });

  it('reads identity from the identity, os, kernel, uptime, dmi and docker tables', () => {
    const r = buildReport(
      [
        state('identity', 'system', { host_identity: [{ hostname: 'db-7', machine_id: 'abc' }] }),
        state('os_release', 'system', { os_release: [{ pretty_name: 'Rocky Linux 9.4' }] }),
        state('kernel', 'system', { kernel: [{ release: '5.14.0' }] }),
        state('uptime', 'system', { uptime: [{ uptime_seconds: 90061, boot_time_seconds: 1_700_000_000 }] }),
        state('docker', 'containers', { docker_engine: [{ up: true, version: '28.2.2' }] }),
      ],
      NOW,
    );
    expect(r.identity).toMatchObject({ hostname: 'db-7', os: 'Rocky Linux 9.4', kernel: '5.14.0', uptimeSeconds: 90061, bootTime: '2023-11-14T22:13:20.000Z', containerEngine: 'Docker 28.2.2', machineId: 'abc', cloud: null });
    expect(renderReport(r)).toContain('<dt>Uptime</dt><dd>1 d 1 h</dd>');
  });

  it('keeps host-only columns for collect on the host and drops them from what is served', () => {
    const s = state('processes', 'processes', { processes: [{ pid: 1, cmdline: 'mysql -psecret', exe: '/usr/bin/mysql' }] }, {}, [{ name: 'processes', hostOnly: ['cmdline'] }]);
    expect(factTables(s, { hostOnly: false })[0]!.rows).toEqual([{ pid: 1, exe: '/usr/bin/mysql' }]);
    expect(factTables(s, { hostOnly: false })[0]!.columns).toEqual(['pid', 'exe']);
    expect(factsAsJson([s], { hostOnly: true })).toEqual({ processes: { processes: [{ pid: 1, cmdline: 'mysql -psecret', exe: '/usr/bin/mysql' }] } });
    expect(JSON.stringify(buildReport([s], NOW))).not.toContain('secret');
    expect(renderReport(buildReport([s], NOW))).not.toContain('secret');
  });

  it('reports a failed collector as an error in the collect JSON', () => {
    expect(factsAsJson([state('rpm', 'software', {}, { success: false, lastError: 'x: bad', tables: null })], { hostOnly: true })).toEqual({ rpm: { error: 'x: bad' } });
  });
});

describe('host report pages', () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ name: `pkg-${i}`, version: `1.${i}`, note: i === 7 ? '<b>bold</b> & "q"' : '' }));
  const table = factTables(state('deb', 'software', { packages: rows }), { hostOnly: false })[0]!;

  it('escapes every host string', () => {
    expect(h(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderTablePage({ table, query: 'pkg-7', page: 1 }, '<host>', '');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;host&gt;');
  });

  it('searches every cell for every word, case-insensitively', () => {
    expect(searchRows(table, 'PKG-11').map((r) => r.name)).toEqual(['pkg-11', 'pkg-110', 'pkg-111', 'pkg-112', 'pkg-113', 'pkg-114', 'pkg-115', 'pkg-116', 'pkg-117', 'pkg-118', 'pkg-119']);
    expect(searchRows(table, 'pkg-11 1.115').map((r) => r.name)).toEqual(['pkg-115']);
    expect(searchRows(table, '  ')).toHaveLength(120);
  });

  it('pages, clamping page numbers into range', () => {
    const count = (html: string) => (html.match(/<tr><td>/g) ?? []).length;
    expect(count(renderTablePage({ table, query: '', page: 1 }, null, ''))).toBe(PAGE_SIZE);
    const last = renderTablePage({ table, query: '', page: 99 }, null, '');
    expect(last).toContain('Page 3 of 3');
    expect(count(last)).toBe(120 - 2 * PAGE_SIZE);
    expect(renderTablePage({ table, query: '', page: -4 }, null, '')).toContain('Page 1 of 3');
    expect(renderTablePage({ table, query: 'nothing-matches', page: 1 }, null, '')).toContain('0 of 120 rows match.');
  });
});
