#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --lite-mode --max-semi-space-size=1 --max-old-space-size=128
// V8 without its optimizing compilers, a small heap and two malloc arenas keep resident memory
// low for a little more CPU (see README, "Memory").
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(
    `hostbaseline needs Node.js 22.15 or newer (built and tested on 24 LTS); this is ${process.version}.\n` +
      'Run it through scripts/with-node24.sh (npm start does), or install Node 24.',
  );
  process.exit(2);
}
await import('../dist/main.js');
