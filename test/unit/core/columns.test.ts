import { describe, expect, it } from 'vitest';
import { columnMismatch, defineCollector, SECOND, type TableSpec } from '../../../src/collectors/types.js';
import { collectOnce, fixturePath } from '../../helpers.js';

const table: TableSpec = {
  name: 't',
  key: ['name'],
  description: 'A test table.',
  columns: [
    { name: 'name', type: 'string', description: 'A name.' },
    { name: 'count', type: 'int', description: 'A count.' },
    { name: 'ratio', type: 'float', description: 'A ratio.' },
    { name: 'on', type: 'bool', description: 'A flag.' },
  ],
};

describe('declared columns', () => {
  it('accept rows that fit, nulls included', () => {
    expect(columnMismatch(table, { name: 'a', count: 2, ratio: 0.5, on: true })).toBeNull();
    expect(columnMismatch(table, { name: null, count: null, ratio: 3, on: null })).toBeNull();
  });
  it('name an undeclared column, a missing one and a value of another type', () => {
    expect(columnMismatch(table, { name: 'a', count: 2, ratio: 0.5, on: true, extra: 1 })).toBe('column extra is not declared');
    expect(columnMismatch(table, { name: 'a', count: 2, ratio: 0.5 })).toBe('column on is missing');
    expect(columnMismatch(table, { name: 'a', count: 2.5, ratio: 0.5, on: true })).toBe('column count is declared int but holds 2.5');
    expect(columnMismatch(table, { name: 'a', count: 2, ratio: 0.5, on: 'yes' })).toBe('column on is declared bool but holds "yes"');
    expect(columnMismatch({ ...table, columns: undefined }, { anything: 1 })).toBeNull();
  });
  it('a test run fails a collector whose rows do not fit, naming the table and the column', async () => {
    const spec = defineCollector({
      name: 'columns_probe',
      area: 'system',
      description: 'Returns a row with an undeclared column.',
      defaultEnabled: false,
      interval: 60 * SECOND,
      timeout: 5 * SECOND,
      tables: [table],
      async collect() {
        return [{ name: 't', rows: [{ name: 'a', count: 1, ratio: 1, on: false, surprise: 'x' }] }];
      },
    });
    const r = await collectOnce(spec, fixturePath('host-empty'));
    expect(r.state.success).toBe(false);
    expect(r.state.lastError).toBe('table t: column surprise is not declared');
  });
});
