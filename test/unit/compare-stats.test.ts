import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilcoxonRankSum } from 'simple-statistics';
import { grouped, holm, quantile, quantileTest, rankTest, twoProportions, upperTail, type Grouped } from '../../src/report/compare-stats';

const mannWhitney = (c: number[], b: number[]): ReturnType<typeof rankTest> => rankTest(grouped(c), grouped(b));

function near(actual: number, expected: number, relative: number): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${actual} is not within ${relative * 100}% of ${expected}`);
}

test('upperTail is the standard normal tail, accurate where p-values are compared with α/m', () => {
  near(upperTail(0), 0.5, 1e-6);
  near(upperTail(1.959964), 0.025, 1e-5);
  near(upperTail(-1.959964), 0.975, 1e-6);
  near(upperTail(3.090232), 0.001, 1e-5);
  near(upperTail(5), 2.866516e-7, 1e-5);
  // Far out the library's erf leaves an absolute error near 1e-16: tiny, and still tiny.
  assert.ok(upperTail(8) < 1e-14);
});

test('Mann-Whitney U counts pairs where the candidate is larger, ties counting half', () => {
  assert.equal(mannWhitney([1, 2, 3], [4, 5, 6]).u, 0);
  assert.equal(mannWhitney([4, 5, 6], [1, 2, 3]).u, 9);
  assert.equal(mannWhitney([1, 1, 2], [1, 2, 2]).u, 3);
});

test('Mann-Whitney: five seconds each, all worse, is significant at 1%; the normal approximation is near the exact 1/252', () => {
  const r = mannWhitney([51, 52, 53, 54, 55], [1, 2, 3, 4, 5]);
  assert.equal(r.u, 25);
  // Exact one-sided p = 1/C(10,5) = 0.00397; the continuity-corrected approximation gives 0.0061.
  near(r.pGreater, 0.0061, 0.02);
  assert.ok(r.pLess > 0.99);
});

test('Mann-Whitney: interleaved samples and identical values give no evidence', () => {
  const r = mannWhitney([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12]);
  assert.ok(r.pGreater > 0.3 && r.pLess > 0.3, `${r.pGreater} ${r.pLess}`);
  const same = mannWhitney([2, 2, 2, 2, 2], [2, 2, 2, 2, 2]);
  assert.deepEqual([same.pGreater, same.pLess], [1, 1]);
});

test('Mann-Whitney: one slow second among fifteen moves one rank, not the verdict', () => {
  const base = [1.1, 1.0, 0.9, 1.2, 1.05, 0.95, 1.15, 1.0, 1.1, 0.9, 1.2, 1.0, 1.05, 0.98, 1.02];
  const cand = [...base.slice(0, 14).map((x) => x + 0.01), 250];
  assert.ok(mannWhitney(cand, base).pGreater > 0.05);
});

test('two-proportion test: 50 failures in 1000 against none is significant; 6 against 5 is not', () => {
  assert.ok(twoProportions(0, 1000, 50, 1000).pGreater < 1e-9);
  assert.ok(twoProportions(5, 1000, 6, 1000).pGreater > 0.3);
  assert.ok(twoProportions(50, 1000, 0, 1000).pLess < 1e-9);
  assert.deepEqual(twoProportions(0, 1000, 0, 1000), { pGreater: 1, pLess: 1 });
  assert.deepEqual(twoProportions(0, 0, 3, 10), { pGreater: 1, pLess: 1 });
});

test('the rank sum over tied groups is simple-statistics\' wilcoxonRankSum, ties included', () => {
  const c = [1, 2, 2, 3, 5, 5, 5, 8];
  const b = [2, 3, 3, 4, 5, 9, 9];
  assert.equal(rankTest(grouped(c), grouped(b)).u + (c.length * (c.length + 1)) / 2, wilcoxonRankSum(c, b));
  // A histogram's buckets (value, count) give the same as the values one by one.
  const hist: Grouped = { values: [1, 2, 3, 5, 8], counts: [1, 2, 1, 3, 1], total: 8 };
  assert.equal(rankTest(hist, grouped(b)).u, rankTest(grouped(c), grouped(b)).u);
});

test('Holm: step-down adjusted p-values, monotone, capped at 1, in the order given', () => {
  const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
  // Sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
  assert.deepEqual(adjusted.map((p) => Number(p.toFixed(6))), [0.03, 0.06, 0.06, 0.02]);
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holm([]), []);
});

test('quantile test: the tail of the candidate against the pooled quantile, upper and lower, and too few values refused', () => {
  // 990 values of 1–3 ms, then a tail of distinct values: 10 in the baseline, 60 in the candidate.
  const tail = (n: number): Grouped => ({ values: [1, 2, 3, ...Array.from({ length: n }, (_x, i) => 10 + i)], counts: [10, 480, 500, ...Array.from({ length: n }, () => 1)], total: 990 + n });
  const base = tail(10);
  const upper = quantileTest(tail(60), base, 0.99);
  assert.ok(upper && upper.pGreater < 1e-4 && upper.pLess > 0.99, JSON.stringify(upper));
  // Pooled 99th percentile of 2,050 values: the 2,030th, 49 ms; above it 0 baseline values, 20 candidate ones.
  assert.equal(upper?.threshold, 49);
  assert.deepEqual(upper?.inTail, [0, 20]);
  // A slower fast path: fewer values at or below the pooled 1st percentile.
  const slowStart: Grouped = { values: [3, 4], counts: [900, 100], total: 1000 };
  const lower = quantileTest(slowStart, base, 0.01);
  assert.ok(lower && lower.pGreater < 0.01, JSON.stringify(lower));
  assert.equal(quantileTest(grouped([1, 2, 3]), grouped([1, 2, 4]), 0.99), undefined);
  assert.equal(quantile(base, 0.5), 3);
  assert.equal(quantile(base, 0.01), 1);
});
