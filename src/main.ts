import { run } from './cli/main.js';

const code = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
// Let stdout drain, then exit even if a hung collector still holds the event loop.
process.stdout.write('', () => process.exit(code));
