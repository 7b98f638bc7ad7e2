import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomStream } from '../../src/scenario/random';
import { findChangePoints, type ChangePointOptions } from '../../src/trend/change-points';
import { changeMagnitude, compareSegments } from '../../src/trend/segment-test';

/**
 * The change-point method on synthetic series of nightly values: seeded noise (the scenario's own
 * random streams, so a failure names its seed and repeats), a step where one is put, none where there is none, at the stated rates.
 */

/** `n` runs around 100 with a relative noise `sd`, multiplied by `factor` from run `from` (1-based) on. */
function series(seed: number, n: number, sd: number, from = Infinity, factor = 1): number[] {
  const r = new RandomStream(seed);
  return Array.from({ length: n }, (_, i) => 100 * (1 + sd * r.normal()) * (i + 1 >= from ? factor : 1));
}

/** Latencies whose noise is multiplicative and heavy-tailed (lognormal, σ of the log), median 5 ms. */
function latencies(seed: number, n: number, sigma = 0.5, from = Infinity, factor = 1): number[] {
  const r = new RandomStream(seed);
  return Array.from({ length: n }, (_, i) => 5 * Math.exp(sigma * r.normal()) * (i + 1 >= from ? factor : 1));
}

function flaggedShare(make: (seed: number) => number[], options: ChangePointOptions = {}, seeds = 2000): number {
  let flagged = 0;
  for (let seed = 1; seed <= seeds; seed++) if (findChangePoints(make(seed), options).length > 0) flagged++;
  return flagged / seeds;
}

test("Student's t-test between two stretches matches the textbook value", () => {
  // t = −5 with 8 degrees of freedom: two-sided p = 0.0010528 (scipy.stats.ttest_ind gives the same).
  const c = compareSegments([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(c.meanBefore, 3);
  assert.equal(c.meanAfter, 8);
  assert.ok(Math.abs(c.pValue - 0.0010528) < 1e-6, `p = ${c.pValue}`);
  // One run after: the stretch before stands for the variance (a prediction test), not undefined.
  const one = compareSegments([10, 11, 9, 10, 10.5, 9.5, 10], [30]);
  assert.ok(one.pValue < 1e-6, `p = ${one.pValue}`);
  assert.equal(compareSegments([1], [2]).pValue, 1, 'two values alone cannot tell anything');
  assert.equal(compareSegments([2, 2, 2], [2, 2]).pValue, 1);
  assert.equal(compareSegments([2, 2, 2], [3, 3]).pValue, 0, 'two flat levels differ for certain');
  assert.throws(() => compareSegments([], [1]), RangeError);
});

test('a change magnitude is relative, in whichever direction is larger', () => {
  assert.ok(Math.abs(changeMagnitude(10, 12) - 0.2) < 1e-12);
  assert.ok(Math.abs(changeMagnitude(12, 10) - 0.2) < 1e-12, 'a fall from 12 to 10 is as large as the rise');
  assert.equal(changeMagnitude(0, 0), 0);
  assert.equal(changeMagnitude(0, 3), Number.POSITIVE_INFINITY);
});

test('a step at run 6 of 8 is found at run 6 for every seed, and alone in all but a few', () => {
  let extra = 0;
  for (let seed = 1; seed <= 500; seed++) {
    const xs = series(seed, 8, 0.05, 6, 2);
    const found = findChangePoints(xs);
    const at6 = found.find((c) => c.index + 1 === 6);
    assert.ok(at6 !== undefined, `seed ${seed}: no change at run 6 in ${xs.map((x) => x.toFixed(1)).join(' ')}: ${JSON.stringify(found)}`);
    assert.ok(at6.after > at6.before * 1.7 && at6.after < at6.before * 2.3, `seed ${seed}: ×2 measured as ${at6.before} → ${at6.after}`);
    assert.ok(at6.pValue <= 0.01 / 7);
    if (found.length > 1) extra++;
  }
  // Three runs after the step can look like a second level by chance (two alike, one off).
  assert.ok(extra <= 5, `${extra} of 500 seeds had a change point besides run 6`);
});

test('a smaller step, ×1.5 at 5 % noise: found at run 6 in at least 99 % of seeds (measured 99.5 %)', () => {
  let found = 0;
  for (let seed = 1; seed <= 1000; seed++) if (findChangePoints(series(seed, 8, 0.05, 6, 1.5)).some((c) => c.index + 1 === 6 && c.after > c.before)) found++;
  assert.ok(found >= 990, `${found} of 1000`);
});

test('latencies ten times slower from run 6 of 8: found at run 6 on the log scale, for every seed', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const xs = latencies(seed, 8, 0.2, 6, 10);
    const found = findChangePoints(xs, { logScale: true, minChange: 1 });
    const at6 = found.find((c) => c.index + 1 === 6);
    assert.ok(at6 !== undefined, `seed ${seed}: ${xs.map((x) => x.toFixed(2)).join(' ')}: ${JSON.stringify(found)}`);
    // Geometric means: 5 ms before, 50 ms after, within the noise of a few runs.
    assert.ok(at6.before > 3 && at6.before < 8 && at6.after > 30 && at6.after < 80, `seed ${seed}: ${at6.before} → ${at6.after}`);
  }
});

test('the newest run alone can start a change: twice as slow at run 8 of 8 is a change point at run 8, for every seed', () => {
  let extra = 0;
  for (let seed = 1; seed <= 500; seed++) {
    const found = findChangePoints(series(seed, 8, 0.05, 8, 2));
    const last = found[found.length - 1];
    assert.ok(last !== undefined && last.index + 1 === 8 && last.after > last.before * 1.7, `seed ${seed}: ${JSON.stringify(found)}`);
    if (found.length > 1) extra++;
  }
  // Seven runs of 5 % noise sometimes hold a step of their own (95, 96, 97 then 107, 108, 104, 108).
  assert.ok(extra <= 5, `${extra} of 500 seeds had a change point besides run 8`);
});

test('the newest run alone is a change only from beyond the slowest run before it by the minimum change (a busy night, seen in the suite)', () => {
  // BootNotification p50 of eight real nights, the last on a machine busy with other tests.
  const nights = [1.49, 1.31, 1.23, 1.4, 1.22, 1.26, 1.18, 2.3];
  assert.deepEqual(findChangePoints(nights, { logScale: true, minChange: 1 }), [], '0.81 ms above the slowest before it');
  const slower = [...nights.slice(0, 7), 2.6];
  assert.deepEqual(findChangePoints(slower, { logScale: true, minChange: 1 }).map((c) => c.index), [7], '1.11 ms above it');
  // Faster by as much: the same rule the other way.
  assert.deepEqual(findChangePoints([5, 5.2, 4.9, 5.1, 5, 5.3, 5.1, 4.2], { minChange: 1 }), [], '0.7 below the fastest');
  assert.deepEqual(findChangePoints([5, 5.2, 4.9, 5.1, 5, 5.3, 5.1, 3.5], { minChange: 1 }).map((c) => c.index), [7]);
});

test('noise alone: at most 1 % of 8-run series get a change point (measured 0.69 %, 138 of 20,000)', () => {
  // Normal noise of any width and lognormal noise judged on the log scale are the same series to
  // the method (it is scale-free), so one draw stands for all three.
  const share = flaggedShare((seed) => series(seed, 8, 0.05), {}, 20_000);
  assert.ok(share <= 0.01, `${share * 100} % of noise-only series flagged`);
  assert.equal(flaggedShare((seed) => series(seed, 8, 0.2), {}, 2000), flaggedShare((seed) => latencies(seed, 8, 0.2), { logScale: true }, 2000));
});

test('nightly CI on noise alone: a night stands in a "regression" in at most 1 % of metric-nights, whatever the history\'s length (measured 0.28 %)', () => {
  // 1,000 histories of 100 nights of heavy-tailed noise; each night judges every run so far, as
  // `trend --fail-on-regression` does: a false alarm is a last change point for the worse.
  let nights = 0;
  let alarms = 0;
  for (let seed = 1; seed <= 1000; seed++) {
    const xs = latencies(seed + 100_000, 100);
    for (let night = 8; night <= 100; night++) {
      const found = findChangePoints(xs.slice(0, night), { logScale: true });
      const last = found[found.length - 1];
      nights++;
      if (last !== undefined && last.after > last.before) alarms++;
    }
  }
  assert.ok(alarms / nights <= 0.01, `${alarms} false alarms in ${nights} metric-nights`);
});

test('a single wild night inside the history makes no change point: both sides of any split keep their level', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const xs = latencies(seed, 12, 0.2);
    xs[5] = (xs[5] as number) * 8;
    const found = findChangePoints(xs, { logScale: true, minChange: 1 });
    assert.ok(found.every((c) => c.index !== 6 || c.after < c.before), `seed ${seed}: ${JSON.stringify(found)}`);
    assert.ok(found.length <= 1, `seed ${seed}: ${found.length} change points from one outlier`);
  }
});

test('the minimum change and magnitude keep a significant but small change out', () => {
  // A steady 0.2 ms rise on a 0.5 ms latency is 40 %, certain (no noise), and below 1 ms.
  const xs = [0.5, 0.5, 0.5, 0.5, 0.5, 0.7, 0.7, 0.7];
  assert.deepEqual(findChangePoints(xs, { logScale: true }).map((c) => c.index), [5]);
  assert.deepEqual(findChangePoints(xs, { logScale: true, minChange: 1 }), []);
  const small = [100, 100, 100, 100, 100, 103, 103, 103];
  assert.deepEqual(findChangePoints(small), [], '3 % is under the 5 % magnitude');
  assert.deepEqual(findChangePoints(small, { minMagnitude: 0.02 }).map((c) => c.index), [5]);
});

test('a figure measured in steps moving one step is no certain change: the time to all booted, read every 200 ms', () => {
  const xs = [600, 600, 600, 600, 600, 600, 600, 800];
  assert.deepEqual(findChangePoints(xs, { logScale: true, minChange: 1 }).map((c) => [c.index + 1, c.pValue]), [[8, 0]], 'without the step: certain');
  assert.deepEqual(findChangePoints(xs, { logScale: true, minChange: 1, resolution: 200 }), []);
  // A shift of several steps held over nights is found all the same.
  assert.deepEqual(findChangePoints([600, 600, 800, 600, 600, 1400, 1600, 1400], { logScale: true, minChange: 1, resolution: 200 }).map((c) => c.index + 1), [6]);
});

test('two changes: up at run 4, back down at run 9; an improvement is a change point too', () => {
  const xs = [10, 10.2, 9.9, 20, 20.3, 19.8, 20.1, 19.9, 10.1, 9.8, 10];
  const found = findChangePoints(xs);
  assert.deepEqual(found.map((c) => [c.index + 1, c.after > c.before ? 'worse' : 'better']), [[4, 'worse'], [9, 'better']]);
});

test('short or flat series have no change point; bad values are refused', () => {
  assert.deepEqual(findChangePoints([]), []);
  assert.deepEqual(findChangePoints([1, 100]), []);
  assert.deepEqual(findChangePoints([5, 5, 5, 5, 5, 5]), []);
  assert.throws(() => findChangePoints([1, 2, Number.NaN, 4]), /finite numbers/);
  assert.throws(() => findChangePoints([1, 2, 0, 4], { logScale: true }), /above 0/);
});
