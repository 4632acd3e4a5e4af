import { cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/cli/runtime.js';
import { allCollectors } from '../../src/collectors/all.js';
import type { Scheduler } from '../../src/collectors/scheduler.js';
import { flagTable, lookupIn, resolveConfig } from '../../src/config/config.js';
import { parseArgs } from '../../src/config/flags.js';
import { DriftDiffer } from '../../src/drift/differ.js';
import type { EventSink, SecurityEvent } from '../../src/events/types.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { FIXTURE_TIME, tempDir } from '../helpers.js';
import { fixtureExposition } from '../support/fixture-run.js';

function sink() {
  const events: SecurityEvent[] = [];
  const s: EventSink = { emit: (_src, e) => events.push(e), dropped: () => {} };
  return { s, events };
}

/** Hands every table of a finished run to a differ, as the scheduler's observer does. */
function feed(d: DriftDiffer, scheduler: Scheduler, at: number): void {
  for (const st of scheduler.list()) if (st.success && st.tables) d.onTables(st.spec.name, st.spec.tables, st.tables, at);
}

const drift = (events: SecurityEvent[]) => events.filter((e) => e.name !== 'hostbaseline.drift.snapshot');
const what = (e: SecurityEvent) => `${e.name} ${String(e.attributes['hostbaseline.table'])} ${JSON.stringify(e.attributes['hostbaseline.drift.key'])}`;

describe('a restart on an unchanged host emits no drift event', () => {
  it('the fixture host: every collector, every drift table', async () => {
    const state = tempDir();
    const first = sink();
    feed(new DriftDiffer({ sink: first.s, stateDir: state, log: memoryLogger(), maxPerTable: 1000 }), (await fixtureExposition('host-a')).scheduler, FIXTURE_TIME);
    expect(first.events.length).toBeGreaterThan(50); // one snapshot per drift table with data
    // A new process: fresh collectors, a fresh differ, the same state directory.
    const log = memoryLogger();
    const second = sink();
    feed(new DriftDiffer({ sink: second.s, stateDir: state, log, maxPerTable: 1000 }), (await fixtureExposition('host-a')).scheduler, FIXTURE_TIME + 60_000);
    expect(second.events.map(what)).toEqual([]);
    expect(log.lines.filter((l) => /corrupt|rebuilding|failed/.test(l))).toEqual([]);
  }, 120_000);

  it('this host: a restart adds nothing to what running on would report', async () => {
    const specs = allCollectors();
    const run = async () => {
      // suid_files walks the whole file system (tens of seconds here): its tables are covered on the fixture host.
      const config = resolveConfig(parseArgs(['--path.rootfs=/', '--no-collector.suid_files'], lookupIn(flagTable(specs))), specs);
      const rt = createRuntime(specs, config, { clock: systemClock, log: memoryLogger() });
      await rt.scheduler.runAll();
      return rt.scheduler;
    };
    const stateA = tempDir();
    const kept = sink();
    const running = new DriftDiffer({ sink: kept.s, stateDir: stateA, log: memoryLogger(), maxPerTable: 100_000 });
    feed(running, await run(), Date.now());
    const stateB = tempDir();
    cpSync(stateA, stateB, { recursive: true });

    const second = await run();
    const at = Date.now();
    // What a differ that kept running sees (real changes of a busy machine) …
    const before = kept.events.length;
    feed(running, second, at);
    const continued = kept.events.slice(before);
    // … and what a restarted one sees: a new differ reading the state directory.
    const log = memoryLogger();
    const restarted = sink();
    feed(new DriftDiffer({ sink: restarted.s, stateDir: stateB, log, maxPerTable: 100_000 }), second, at);
    expect(drift(restarted.events).map(what)).toEqual(drift(continued).map(what));
    expect(restarted.events.filter((e) => e.attributes['hostbaseline.table'] === 'init_rlimits')).toEqual([]);
    expect(log.lines.filter((l) => /corrupt|rebuilding|failed/.test(l))).toEqual([]);
    console.log(`live restart: ${drift(restarted.events).length} drift events after a restart, ${drift(continued).length} without one`);
  }, 300_000);
});
