import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Scheduler } from '../../src/worker/scheduler';

/**
 * The scheduler on Node's own timers and clock, bounded above: an entry fires within 200 ms of
 * its time. A bound on lateness holds only on a machine not busy with something else, so this runs
 * in test/serial/, one file at a time, ahead of the other (niced) test files (the unit tests use fake timers).
 */
test('an earlier entry scheduled after a later one re-arms the real timer and fires near its time', async () => {
  const fired = new Map<number, { at: number; when: number }>();
  const clock = (): number => performance.now();
  const s = new Scheduler(clock, (key, at) => fired.set(key, { at, when: performance.now() }));
  const t0 = performance.now();
  s.schedule(1, t0 + 2000);
  s.schedule(2, t0 + 50);
  const deadline = t0 + 1500;
  while (!fired.has(2) && performance.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
  const early = fired.get(2);
  assert.ok(early !== undefined, 'fired within 1.5 s');
  assert.equal(early.at, t0 + 50);
  assert.ok(early.when >= early.at - 0.5, `fired ${early.at - early.when} ms early`);
  assert.ok(early.when - early.at < 200, `fired ${early.when - early.at} ms late`);
  assert.equal(fired.has(1), false);
  assert.equal(s.pending, 1);
  s.stop();
});
