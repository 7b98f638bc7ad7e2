import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitney, twoProportions, upperTail } from '../../src/report/compare-stats';

function near(actual: number, expected: number, relative: number): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${actual} is not within ${relative * 100}% of ${expected}`);
}

test('upperTail is the standard normal tail, accurate far out (relative error)', () => {
  near(upperTail(0), 0.5, 1e-6);
  near(upperTail(1.959964), 0.025, 1e-5);
  near(upperTail(-1.959964), 0.975, 1e-6);
  near(upperTail(3.090232), 0.001, 1e-5);
  near(upperTail(5), 2.866516e-7, 1e-5);
  near(upperTail(8), 6.220961e-16, 1e-5);
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
