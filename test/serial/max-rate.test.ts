import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * maxRate through run() in-process: the calls per second of the whole fleet held under the cap,
 * and close to it. A rate over wall seconds (and the CSMS's own answer time) holds only on a
 * machine not busy with other test files, so this runs in test/serial/, one file at a time.
 */
test('maxRate caps the calls per second of the whole fleet; the wait shows as dispatch delay', async () => {
  const dir = tempDir('maxrate');
  const scenario = writeScenario(
    dir,
    'rate',
    `
name: rate
duration: 6s
gracefulStop: 1s
groups:
  - name: g
    count: 40
    ocpp: "1.6"
    identity: "RATE-{index:02}"
    ramp: all
    heartbeatInterval: 1s
`,
  );
  const out = join(dir, 'out');
  // The fleet offers twice the cap on purpose: the calls still held when the run ends are never
  // sent (runEnded), which the incompleteCalls check rightly fails; here the cap itself is judged.
  const r = await runFleet({ scenario, maxRate: '20/s', workers: 2, out, health: ['incompleteCalls=off'] });
  assert.equal(r.exitCode, 0, r.result.reason);
  const s = readSummary(out);
  const sent = Object.values(s.actions).reduce((n, a) => n + a.sent, 0);
  const perSec = sent / (s.durationMs / 1000);
  // Unlimited, 40 stations would send ~40 heartbeats a second plus 80 calls at boot.
  assert.ok(perSec > 12 && perSec <= 24, `${perSec.toFixed(1)} calls/s over ${s.durationMs} ms (${sent} calls)`);
  assert.equal(s.settings.maxRatePerSec, 20);
  const hb = s.actions.Heartbeat;
  assert.ok(hb && hb.dispatchDelayMs.p99 > 100, `Heartbeat dispatch delay p99 ${hb?.dispatchDelayMs.p99} ms`);
  assert.ok(hb.serviceTimeMs.p50 < 100, 'the CSMS itself answers fast');
});
