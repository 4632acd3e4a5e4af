import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCollectors } from '../../../src/collectors/all.js';
import { policyOf } from '../../../src/drift/differ.js';
import { updateEventsDoc } from '../../../src/drift/policy-docs.js';
import { loadCatalog } from '../../../src/metrics/catalog.js';
import { REPO } from '../../helpers.js';

describe('drift policies', () => {
  it('docs/events.md shows every table policy, the risk table and the event catalog as the code has them (npm run docs)', () => {
    const text = readFileSync(path.join(REPO, 'docs', 'events.md'), 'utf8');
    expect(updateEventsDoc(text, allCollectors(), loadCatalog().events)).toBe(text);
  });

  it('an aggregate groups by columns the table has, and explains itself', () => {
    for (const c of allCollectors()) {
      for (const t of c.tables) {
        const p = policyOf(t);
        if (!p || p.on !== 'aggregate') continue;
        expect(p.why.length, `${c.name}.${t.name}`).toBeGreaterThan(20);
        expect(p.by.length).toBeGreaterThan(0);
        // Host-only columns (a command line) never become part of an identity that leaves the host.
        for (const col of t.hostOnly ?? []) expect(p.by).not.toContain(col);
      }
    }
  });
});
