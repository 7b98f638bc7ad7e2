import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { rampDurationMs, rampOffsetMs, rampRateAt } from '../../src/scenario/ramp';
import type { RampSpec } from '../../src/scenario/types';

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);

test('linear ramp from 0 to 10/s over 10s: 50 stations within it, then 10/s', () => {
  const ramp: RampSpec = { kind: 'linear', fromPerSec: 0, toPerSec: 10, overMs: 10_000 };
  // N(t) = t² / 2 (t in s) up to 10 s: station i connects at sqrt(2i) s.
  close(rampOffsetMs(ramp, 2), 2000, 'station 2');
  close(rampOffsetMs(ramp, 50), 10_000, 'station 50');
  close(rampOffsetMs(ramp, 60), 11_000, 'station 60');
  assert.equal(rampOffsetMs(ramp, 0), 0);
  close(rampRateAt(ramp, 5000), 5, 'rate at 5 s');
  close(rampDurationMs(ramp, 61), 11_000, 'ramp of 61 stations');
});

test('linear ramp from 10/s to 500/s over 60s: the count at its end is the trapezoid (15,300)', () => {
  const ramp: RampSpec = { kind: 'linear', fromPerSec: 10, toPerSec: 500, overMs: 60_000 };
  close(rampOffsetMs(ramp, 15_300), 60_000, 'the last of the ramp');
  close(rampOffsetMs(ramp, 15_800), 61_000, 'a second after');
  // Early on the rate rises fast (k = 490/120 per s²): 10t + 4.083t² = 10 at t = 0.7626 s.
  assert.ok(Math.abs(rampOffsetMs(ramp, 10) - 762.6) < 0.5, String(rampOffsetMs(ramp, 10)));
  // Decreasing ramps work too: from 100/s to 10/s over 10 s holds 550 stations.
  close(rampOffsetMs({ kind: 'linear', fromPerSec: 100, toPerSec: 10, overMs: 10_000 }, 550), 10_000, 'decreasing');
});

test('steps: 50/s for 30 s (1,500 stations), then 200/s', () => {
  const ramp: RampSpec = {
    kind: 'steps',
    steps: [
      { atMs: 0, perSec: 50 },
      { atMs: 30_000, perSec: 200 },
    ],
  };
  close(rampOffsetMs(ramp, 50), 1000, 'station 50');
  close(rampOffsetMs(ramp, 1500), 30_000, 'station 1500');
  close(rampOffsetMs(ramp, 1700), 31_000, 'station 1700');
  assert.equal(rampRateAt(ramp, 29_999), 50);
  assert.equal(rampRateAt(ramp, 30_000), 200);
});

test('every shape connects stations in order, and a larger group keeps the times of the smaller', () => {
  const shapes = ['200/s', 'all', '{linear: {from: 5/s, to: 100/s, over: 20s}}', '{steps: [{at: 0s, rate: 20/s}, {at: 10s, rate: 80/s}]}'];
  for (const ramp of shapes) {
    const plan = (count: number) =>
      planFleet(parseScenario(`groups:\n  - name: a\n    count: ${count}\n    ocpp: "1.6"\n    ramp: ${ramp}\n`, 'r.yaml'), 1).stations;
    const small = plan(300);
    const large = plan(900);
    assert.deepEqual(large.slice(0, 300), small, ramp);
    for (let i = 1; i < large.length; i++) assert.ok((large[i]?.connectAtMs as number) >= (large[i - 1]?.connectAtMs as number), `${ramp}: station ${i}`);
  }
});
