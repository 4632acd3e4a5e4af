#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --max-old-space-size=128
// The V8 heap settings and the two malloc arenas above keep resident memory low (see README, "Memory").
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(
    `hostbaseline needs Node.js 22.15 or newer (built and tested on 24 LTS); this is ${process.version}.\n` +
      'Run it through scripts/with-node24.sh (npm start does), or install Node 24.',
  );
  process.exit(2);
}
await import('../dist/main.js');
