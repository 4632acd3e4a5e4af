import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allCollectors } from '../../src/collectors/all.js';
import type { FactRow } from '../../src/collectors/types.js';
import { loadCatalog } from '../../src/metrics/catalog.js';
import { updateAreaDoc } from '../../src/metrics/collector-docs.js';
import { REPO } from '../helpers.js';
import { fixtureExposition } from '../support/fixture-run.js';

const catalog = loadCatalog();
const specs = allCollectors();
const specOf = new Map(specs.map((s) => [s.name, s]));

describe('catalog labels and values against the table columns', () => {
  it('name declared columns, where the table declares them', () => {
    const problems: string[] = [];
    for (const f of catalog.families) {
      const table = specOf.get(f.collector)?.tables.find((t) => t.name === f.table);
      if (!table?.columns) continue;
      const columns = new Set(table.columns.map((c) => c.name));
      for (const l of f.labels) if (!columns.has(l)) problems.push(`${f.name}: label ${l} is no column of ${f.table}`);
      if (typeof f.value === 'string' && !columns.has(f.value)) problems.push(`${f.name}: value ${f.value} is no column of ${f.table}`);
    }
    expect(problems).toEqual([]);
  });

  describe('name columns the fixture host rows really have (every table, declared or not)', () => {
    let rows: Map<string, FactRow[]>;
    beforeAll(async () => {
      const { scheduler } = await fixtureExposition('host-a');
      rows = new Map();
      for (const s of scheduler.list()) for (const t of s.tables ?? []) rows.set(`${s.spec.name}/${t.name}`, t.rows);
    }, 120_000);

    it('a label that names no column would render as label=""', () => {
      const problems: string[] = [];
      for (const f of catalog.families) {
        // Only rows that make a series: a constant value, or a value column that is set.
        const emitting = (rows.get(`${f.collector}/${f.table}`) ?? []).filter((row) => typeof f.value === 'number' || (row[f.value] ?? null) !== null);
        if (emitting.length === 0) continue; // no series on the fixture host: checked by declared columns only
        for (const l of f.labels) if (!emitting.some((row) => l in row)) problems.push(`${f.name}: label ${l} is in no row of ${f.collector}/${f.table}`);
      }
      expect(problems).toEqual([]);
    });
  });
});

describe('column docs', () => {
  it('docs/collectors/<area>.md lists the declared columns (npm run docs)', () => {
    for (const area of new Set(specs.map((s) => s.area))) {
      const inArea = specs.filter((s) => s.area === area);
      if (!inArea.some((s) => s.tables.some((t) => t.columns))) continue;
      const doc = readFileSync(path.join(REPO, 'docs', 'collectors', `${area}.md`), 'utf8');
      expect(doc, `run npm run docs (${area})`).toBe(updateAreaDoc(doc, inArea));
    }
  });
});
