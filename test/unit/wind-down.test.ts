import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WIND_DOWN_STOPS_PER_SEC } from '../../src/coordinator/run-fleet';
import { windDownSpreadMs } from '../../src/worker/wind-down';

/**
 * The end-of-run stops' spread (src/worker/wind-down.ts): a pace for the whole fleet, each worker
 * and each process given its share, at most half the grace period.
 */
test('the stops of one worker: its busy stations at its share of the pace, at most half the grace period', () => {
  // One worker, the whole pace: 200 sessions in 0.2 s, 3,000 in 3 s, 40,000 capped at 30 s of a 60 s grace period.
  assert.equal(windDownSpreadMs(200, 10_000, WIND_DOWN_STOPS_PER_SEC), 200);
  assert.equal(windDownSpreadMs(3000, 10_000, WIND_DOWN_STOPS_PER_SEC), 3000);
  assert.equal(windDownSpreadMs(40_000, 60_000, WIND_DOWN_STOPS_PER_SEC), 30_000);
  assert.equal(windDownSpreadMs(40_000, 10_000, WIND_DOWN_STOPS_PER_SEC), 5000);
  // None or one: nothing to spread; no pace (0): at once, never a division by it.
  assert.equal(windDownSpreadMs(0, 10_000, WIND_DOWN_STOPS_PER_SEC), 0);
  assert.equal(windDownSpreadMs(1, 10_000, WIND_DOWN_STOPS_PER_SEC), 0);
  assert.equal(windDownSpreadMs(500, 10_000, 0), 0);
});

test('a fleet over six processes stops at the pace of one: each process\'s worker gets a sixth, and takes six times as long for its sixth of the stops', () => {
  const busy = 40_000;
  const processes = 6;
  const alone = windDownSpreadMs(busy, 120_000, WIND_DOWN_STOPS_PER_SEC);
  const each = windDownSpreadMs(busy / processes, 120_000, WIND_DOWN_STOPS_PER_SEC / processes);
  assert.ok(Math.abs(each - alone) < 1e-6, `${each} ms against ${alone} ms`);
  assert.equal(Math.round(alone), 40_000);
  // The whole fleet's pace over the spread: the thousand a second asked, not six thousand.
  assert.equal(Math.round((busy / each) * 1000), WIND_DOWN_STOPS_PER_SEC);
});
