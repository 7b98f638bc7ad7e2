import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLiveRun, type StepWindow } from '../../src/run/live-run';
import { capacityScenario } from '../helpers/capacity-scenario';
import { tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * A window read as soon as its end has passed holds every call that ended before that end, once
 * recorded() resolved: the capacity search reads each step's window right after until(to), while
 * the workers may still hold the records of the calls answered in the last milliseconds (they
 * publish every 20 ms, and later when their event loop lags). The same window read again seconds
 * later must be identical to the call. Two workers, ~400 calls/s against the real embedded CSMS.
 */
function totals(w: StepWindow): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, s] of w.source.aggregator.actions()) out[action] = s.sent;
  return out;
}

test('recorded(to) then window(from, to): every call that ended before `to`, as many as the same window read seconds later', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('live-recorded');
  // 10 MeterValues a second a station (timeScale 10) once its session started.
  const scenario = writeScenario(dir, 'recorded', capacityScenario({ name: 'recorded', timeScale: 10, gracefulStop: '1s' }));
  const live = await startLiveRun({ scenario, maxStations: 40, workers: 2, seed: 4, out: join(dir, 'out') });
  try {
    live.resize(40, 200);
    const first = Math.ceil((live.now() + 3000) / 1000) * 1000;
    const read: { from: number; to: number; early: number; recorded: boolean; window: StepWindow }[] = [];
    for (let to = first + 1000; to <= first + 5000; to += 1000) {
      const from = to - 1000;
      await live.until(to);
      // What a reader that did not wait would have seen.
      const early = live.window(from, to).calls;
      const recorded = await live.recorded(to);
      read.push({ from, to, early, recorded, window: live.window(from, to) });
    }
    // Every worker has long since published what it had.
    await live.until(first + 8000);
    assert.ok(await live.recorded(first + 8000));
    let late = 0;
    for (const r of read) {
      assert.equal(r.recorded, true, `recorded(${r.to})`);
      const again = live.window(r.from, r.to);
      assert.ok(r.window.calls > 200, `${r.window.calls} calls in ${r.from}..${r.to}`);
      assert.equal(r.window.calls, again.calls, `${r.from}..${r.to}: ${r.window.calls} calls read at once, ${again.calls} later`);
      assert.deepEqual(totals(r.window), totals(again));
      assert.equal(r.window.callsPerSecond, again.callsPerSecond);
      late += r.window.calls - r.early;
    }
    t.diagnostic(`calls per second read: ${read.map((r) => r.window.calls).join(', ')}; of them not yet read when until() resolved: ${late}`);
  } finally {
    await live.finish();
  }
});
