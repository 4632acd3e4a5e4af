import { execFileSync } from 'node:child_process';

/** Whether a program is installed. In CI a missing prerequisite is a failure, never a skip. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${name} is not installed: .ci/run must install it`);
    return false;
  }
}
