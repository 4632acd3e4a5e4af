import { chmodSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { removeTree } from '../support/cleanup.js';

/**
 * The test run gets a temporary directory of its own (TMPDIR for every worker and every
 * program the tests start), so runs on one machine never see each other's files. At the
 * end it must be empty: anything left is listed, removed, and fails the run.
 */
export default function setup(): () => void {
  const outer = tmpdir();
  const runDir = mkdtempSync(path.join(outer, 'hb-testrun-'));
  // Traversable like /tmp (tests run the exporter as an unprivileged user on roots inside), not listable.
  chmodSync(runDir, 0o711);
  process.env.TMPDIR = runDir;
  return () => {
    process.env.TMPDIR = outer;
    // Node's own module compile cache (enabled by the test runner) is not a test's leftover.
    const left = readdirSync(runDir).filter((name) => name !== 'node-compile-cache');
    removeTree(runDir);
    if (left.length > 0) {
      process.exitCode = 1; // an error thrown here is only printed
      throw new Error(`the tests left ${left.length} temporary files or directories behind: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}`);
    }
  };
}
