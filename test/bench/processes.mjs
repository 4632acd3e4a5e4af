// Benchmark of the processes collector: refresh time with 2,000 extra processes.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { processes } from '../../dist/collectors/processes/processes.js';
import { liveContext } from './live-context.mjs';

const CHILDREN = 2000;
const RUNS = 7;
const TARGET_MS = 500;

function spawnSleepers(n) {
  const kids = [];
  for (let i = 0; i < n; i++) kids.push(spawn('sleep', ['300'], { stdio: 'ignore' }));
  return Promise.all(kids.map((k) => new Promise((resolve, reject) => {
    k.once('spawn', () => resolve(k));
    k.once('error', reject);
  })));
}


function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function benchProcesses() {
  const kids = await spawnSleepers(CHILDREN);
  try {
    const memo = new Map();
    let rows = 0;
    // First refresh fills the executable hash cache; the steady state is what matters.
    await processes.collect(liveContext(processes, memo));
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const tables = await processes.collect(liveContext(processes, memo));
      times.push(performance.now() - t0);
      rows = tables.find((t) => t.name === 'processes').rows.length;
    }
    if (rows < CHILDREN) throw new Error(`only ${rows} processes seen, expected at least ${CHILDREN}`);
    return [
      { name: `processes refresh, ${rows} processes (median of ${RUNS})`, value: Math.round(median(times)), unit: 'ms', target: `< ${TARGET_MS}` },
    ];
  } finally {
    for (const k of kids) k.kill('SIGKILL');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchProcesses()) console.log(JSON.stringify(row));
}
