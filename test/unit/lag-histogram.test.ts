import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LagHistogram } from '../../src/worker/lag-histogram';
import { Scheduler } from '../../src/worker/scheduler';

test('quantiles within the 1/8 resolution of the log buckets, never below the true value, in ms', () => {
  const h = new LagHistogram();
  assert.deepEqual(h.figures(), { count: 0, p50: 0, p99: 0, max: 0 });
  // 1..1000 ms, once each: p50 = 500 ms, p99 = 990 ms.
  for (let ms = 1; ms <= 1000; ms++) h.record(ms);
  const f = h.figures();
  assert.equal(f.count, 1000);
  assert.equal(f.max, 1000);
  assert.ok(f.p50 >= 500 && f.p50 <= 500 * 1.125, `p50 ${f.p50}`);
  assert.ok(f.p99 >= 990 && f.p99 <= 1000, `p99 ${f.p99}`);
});

test('small and negative lateness: exact below 16 µs, early entries count as 0', () => {
  const h = new LagHistogram();
  for (let i = 0; i < 99; i++) h.record(-0.3);
  h.record(0.007);
  assert.equal(h.quantile(0.5), 0);
  assert.equal(h.quantile(1), 0.007);
  const big = new LagHistogram();
  big.record(5e9); // beyond 2^31 µs: the last bucket, no overflow
  assert.ok(big.figures().max > 2e6);
});

test('the scheduler records how late it fires each entry against its due time', async () => {
  let now = 0;
  const fired: number[] = [];
  const s = new Scheduler(() => now, (key) => fired.push(key));
  // Due at 0..9 ms on a clock that reads 50 ms when they fire: 41..50 ms late.
  for (let i = 0; i < 10; i++) s.schedule(i, i);
  now = 50;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fired.length, 10);
  const f = s.lag.figures();
  assert.equal(f.count, 10);
  assert.equal(f.max, 50);
  assert.ok(f.p50 >= 45 && f.p50 <= 46 * 1.125, `p50 ${f.p50}`);
  s.stop();
});
