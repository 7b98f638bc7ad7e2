import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSummary, spawnCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * `ocpp-fleet run … 2>&1 | tee log` and Ctrl-C: the terminal's SIGINT ends tee too, and every
 * later write of the run meets a closed pipe (EPIPE). That must not end the run before it has
 * written its results: here the reader of both pipes goes away after the first bytes.
 */
test('a run whose stdout and stderr pipes close early still finishes, writes its results and exits with its verdict', { timeout: 60_000 }, async () => {
  const dir = tempDir('pipe-closed');
  const out = join(dir, 'out');
  const scenario = writeScenario(
    dir,
    'pipe',
    `
name: pipe
duration: 7s
gracefulStop: 2s
groups:
  - name: g
    count: 10
    ocpp: "2.0.1"
    identity: "PIPE-{index}"
    ramp: all
    heartbeatInterval: 1s
`,
  );
  const child = spawnCli(['run', scenario, '--out', out]);
  // The first bytes of stderr (the CSMS start, or the first status line), then both readers are gone.
  await new Promise<void>((resolve) => child.stderr?.once('data', () => resolve()));
  child.stdout?.destroy();
  child.stderr?.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const s = readSummary(out);
  assert.equal(s.partial, false);
  assert.equal(s.fleet.booted, 10);
  assert.equal(code, s.passed ? 0 : 1, `exit ${code}: the verdict's code, not a crash`);
});
