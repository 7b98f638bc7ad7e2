import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The test/serial/ files, in two sets. `npm test` runs the serial set beside the niced concurrent
 * files (run-suite.ts), and the quiet set after both, on a machine doing nothing else:
 * compare's calibration is for runs on a machine doing one thing, as a nightly CI job is, and its
 * first second's boots (20 of them) moved by 175 ms in one clean-clone run beside the niced files
 * (the serial tests' other bounds held in every run).
 */
const QUIET = new Set(['compare-calibrated']);

const dir = join(__dirname, '..', 'serial');

export function serialFiles(quiet: boolean): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.js') && QUIET.has(f.slice(0, -'.test.js'.length)) === quiet)
    .sort()
    .map((f) => join(dir, f));
}
