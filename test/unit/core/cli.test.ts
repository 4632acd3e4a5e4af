import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { fixturePath, tempDir } from '../../helpers.js';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function configFile(text: string): string {
  const f = path.join(tempDir('hb-cfg-'), 'config.yaml');
  writeFileSync(f, text);
  return f;
}

describe('command line', () => {
  it('--version and --help', async () => {
    expect((await cli(['--version'])).stdout).toMatch(/^hostbaseline-exporter version \d+\.\d+\.\d+/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--web.listen-address', '--web.telemetry-path', '--path.rootfs', '--path.procfs', '--path.sysfs', '--config.file', '--log.level', '--log.format', 'collector.disable-defaults', '--[no-]collector.os_release', '--web.config.file'])
      expect(help.stdout).toContain(flag);
  });

  it('a wrong flag exits non-zero naming the flag', async () => {
    const r = await cli(['--web.listen-adress=:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown long flag '--web.listen-adress'");
  });

  it('an unknown collector exits non-zero naming it', async () => {
    const r = await cli(['--collector.nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--collector.nosuch');
    const c = await cli(['collect', 'nosuch']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('unknown collector: nosuch');
  });

  it('bad values are rejected with the flag name', async () => {
    expect((await cli(['--log.level=loud'])).stderr).toContain('--log.level');
    expect((await cli(['--log.format=xml'])).stderr).toContain('--log.format');
    expect((await cli(['--collector.concurrency=0'])).stderr).toContain('--collector.concurrency');
  });

  it('an invalid config file exits non-zero naming the problem', async () => {
    const cases: [string, string][] = [
      ['collectors: [1, 2', 'invalid YAML'],
      ['colectors: {}', 'unknown key "colectors"'],
      ['collectors:\n  nosuch: {}', 'unknown collector "nosuch"'],
      ['collectors:\n  os_release:\n    interval: soon', 'collectors.os_release.interval'],
      ['collectors:\n  os_release:\n    intervall: 5s', 'unknown key "intervall"'],
      ['collectors:\n  os_release:\n    enabled: maybe', 'collectors.os_release.enabled'],
    ];
    for (const [text, message] of cases) {
      const f = configFile(text);
      const r = await cli([`--config.file=${f}`, 'list']);
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toContain(message);
      expect(r.stderr, text).toContain(f);
    }
    const missing = await cli(['--config.file=/nonexistent/config.yaml', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/config.yaml');
  });

  it('list shows collectors with area, state and interval; flags and config change them', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^COLLECTOR\s+AREA\s+ENABLED\s+INTERVAL/);
    expect(r.stdout).toMatch(/os_release\s+system\s+on\s+5m/);
    const off = await cli(['list', '--no-collector.os_release']);
    expect(off.stdout).toMatch(/os_release\s+system\s+off/);
    const f = configFile('collectors:\n  os_release:\n    interval: 90s\n    timeout: 2s\n');
    expect((await cli(['list', `--config.file=${f}`])).stdout).toMatch(/os_release\s+system\s+on\s+90s\s+2s/);
    const none = await cli(['list', '--collector.disable-defaults', '--collector.os_release']);
    const enabled = none.stdout
      .split('\n')
      .slice(1)
      .filter((l) => l.split(/\s+/)[2] === 'on')
      .map((l) => l.split(/\s+/)[0]);
    expect(enabled).toEqual(['os_release']);
  });

  it('collect prints the fact rows of a fixture host as a table or JSON', async () => {
    const t = await cli(['collect', 'os_release', '--path.rootfs', fixturePath('host-a')]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('# os_release / os_release: 1 row');
    expect(t.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    const j = await cli(['collect', 'os_release', '--format', 'json', `--path.rootfs=${fixturePath('host-a')}`]);
    expect(JSON.parse(j.stdout)).toMatchObject({ os_release: { os_release: [{ id: 'debian', version_id: '12' }] } });
  });

  it('collect exits 1 and says why when a collector fails', async () => {
    const root = tempDir('hb-bad-');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(root, 'etc/os-release'), { recursive: true });
    const r = await cli(['collect', 'os_release', `--path.rootfs=${root}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/etc/os-release: not a regular file');
  });

  it('a missing host root is an error naming the flag', async () => {
    const r = await cli(['collect', 'os_release', '--path.rootfs=/nonexistent-root']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--path.rootfs=/nonexistent-root');
  });
});

describe('events settings', () => {
  it('a bad events section of the config file fails every command, naming the key', async () => {
    const f = configFile('events:\n  otlp:\n    endpoint: 42\n');
    const r = await cli(['list', `--config.file=${f}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('events.otlp.endpoint');
  });
});
