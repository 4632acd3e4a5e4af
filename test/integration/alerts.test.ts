import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseAlertRules } from '../../src/dashboards/index.js';
import { REPO } from '../helpers.js';
import { hasProgram } from '../support/programs.js';

const DIR = path.join(REPO, 'dashboards');
const promtool = hasProgram('promtool');

function run(args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

describe.skipIf(!promtool)('alert rules with promtool', () => {
  it('promtool check rules accepts dashboards/alerts.yaml', () => {
    const r = run(['check', 'rules', 'alerts.yaml']);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes dashboards/alerts.test.yaml', () => {
    const r = run(['test', 'rules', 'alerts.test.yaml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
    // About 10 s alone; several times that while the rest of the suite shares the two cores.
  }, 240_000);
});

describe('alert rule unit tests', () => {
  const alerts = parseAlertRules(readFileSync(path.join(DIR, 'alerts.yaml'), 'utf8'));
  const doc = parseYaml(readFileSync(path.join(DIR, 'alerts.test.yaml'), 'utf8')) as {
    rule_files: string[];
    tests: { alert_rule_test: { alertname: string; exp_alerts?: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[] }[] }[];
  };
  const cases = doc.tests.flatMap((t) => t.alert_rule_test);

  it('load the rule file', () => {
    expect(doc.rule_files).toEqual(['alerts.yaml']);
  });

  it('have a firing and a quiet case for every alert, checking labels and annotations', () => {
    const missing: string[] = [];
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      const firing = mine.filter((c) => (c.exp_alerts ?? []).length > 0);
      if (firing.length === 0) missing.push(`${a.alert}: no firing case`);
      if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) missing.push(`${a.alert}: no quiet case`);
      for (const c of firing)
        for (const e of c.exp_alerts!) {
          if (e.exp_labels.severity !== a.labels.severity) missing.push(`${a.alert}: expected alert without its severity`);
          if (!e.exp_annotations?.summary || !e.exp_annotations.description) missing.push(`${a.alert}: expected alert without annotations`);
        }
    }
    expect(missing).toEqual([]);
    expect(cases.every((c) => alerts.some((a) => a.alert === c.alertname))).toBe(true);
  });
});
