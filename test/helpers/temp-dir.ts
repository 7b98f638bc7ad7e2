import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every folder a test file makes lives under one root of its process, removed when the process
 * exits: `npm test` used to leave a few thousand `ocpp-fleet-*` folders in /tmp at every run.
 * OCPP_FLEET_KEEP_TEST_DIRS=1 keeps them, to read a failed test's results afterwards.
 */
let root: string | undefined;

export function tempDir(prefix: string): string {
  root ??= processRoot();
  return mkdtempSync(join(root, `${prefix}-`));
}

function processRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), `ocpp-fleet-test-${process.pid}-`));
  if (process.env.OCPP_FLEET_KEEP_TEST_DIRS !== '1') {
    // 'exit' runs for a normal end and for process.exit(); a killed test leaves its root, as it
    // leaves its other state.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}
