import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Scheduler } from '../../src/worker/scheduler';
import { RandomStream } from '../../src/scenario/random';
import { FakeTimers } from '../helpers/fake-timers';

/**
 * The scheduler on a fake clock and fake timers (test/helpers/fake-timers.ts): what fired and what
 * did not is read from the timer table, turn by turn, with no sleep. One test keeps Node's real
 * timers and clock (the period of a self-rescheduling target); how late a real timer fires is an
 * upper bound on time and lives in test/serial/scheduler-real-timers.test.ts.
 */
const MAX_TIMER_MS = 2_147_483_647;

/** Resolves once `done()` is true, polling each turn of the event loop; fails after `limitMs`. */
async function until(done: () => boolean, limitMs = 5000): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

test('entries fire in time order, each with the time it was scheduled for, and none before it is due', () => {
  const t = new FakeTimers();
  const seen: [number, number][] = [];
  const s = new Scheduler(t.read, (key, at) => seen.push([key, at]), t);
  s.schedule(3, 30);
  s.schedule(1, 10);
  s.schedule(2, 20);
  assert.equal(s.pending, 3);
  // One timer, armed for the earliest entry.
  assert.equal(t.pendingTimeouts, 1);
  assert.equal(t.nextDue, 10);

  t.advance(25);
  assert.deepEqual(seen, [
    [1, 10],
    [2, 20],
  ]);
  assert.equal(s.pending, 1);
  assert.equal(t.nextDue, 30, 'armed again for the entry left');

  // Nothing fires before its time: read from the timer table, not from a sleep.
  assert.equal(t.advance(29.4), 0, 'no turn ran');
  assert.equal(seen.length, 2);
  t.advance(30);
  assert.deepEqual(seen[2], [3, 30]);
  assert.equal(s.pending, 0);
  assert.equal(t.pendingTimeouts, 0, 'nothing left to fire: no timer armed');
  s.stop();
});

test('within half a millisecond counts as due (Node timers have 1 ms granularity); earlier does not', () => {
  const t = new FakeTimers();
  const seen: number[] = [];
  const s = new Scheduler(t.read, (key) => seen.push(key), t);
  s.schedule(1, 10);
  s.schedule(2, 10.4);
  s.schedule(3, 10.6);
  t.advance(10);
  assert.deepEqual(seen, [1, 2], '10.4 is within the half millisecond, 10.6 is not');
  assert.equal(t.nextDue, 10.6);
  s.stop();
});

test('50,000 random entries come out sorted by time, each exactly once', () => {
  const n = 50_000;
  const t = new FakeTimers();
  t.now = 2_000_000;
  const rnd = new RandomStream(12345);
  const times = Array.from({ length: n }, () => rnd.uniform(0, 1_000_000));
  const keys: number[] = [];
  const ats: number[] = [];
  const s = new Scheduler(t.read, (key, at) => {
    keys.push(key);
    ats.push(at);
  }, t);
  // All in the past: the order the target sees is the heap's order, not the timer's.
  for (let k = 0; k < n; k++) s.schedule(k, times[k] as number);
  assert.equal(s.pending, n);
  t.advance(t.now);
  assert.equal(keys.length, n);
  assert.equal(s.pending, 0);

  for (let i = 1; i < n; i++) {
    if ((ats[i] as number) < (ats[i - 1] as number)) assert.fail(`entry ${i} at ${ats[i]} came after ${ats[i - 1]}`);
  }
  for (let i = 0; i < n; i++) assert.equal(ats[i], times[keys[i] as number]);
  assert.equal(new Set(keys).size, n);
  assert.deepEqual(
    ats,
    [...times].sort((a, b) => a - b),
  );
  s.stop();
});

test('entries with equal times all fire, earlier times first', () => {
  const t = new FakeTimers();
  t.now = 100;
  const keys: number[] = [];
  const s = new Scheduler(t.read, (key) => keys.push(key), t);
  for (let k = 0; k < 2000; k++) s.schedule(k, k % 3 === 0 ? 5 : 7);
  t.advance(100);
  assert.equal(keys.length, 2000);
  // Every key with time 5 (k % 3 === 0) fires before every key with time 7.
  const firstSeven = keys.findIndex((k) => k % 3 !== 0);
  assert.equal(firstSeven, 667);
  assert.ok(keys.slice(0, 667).every((k) => k % 3 === 0));
  assert.deepEqual(
    [...keys].sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_v, k) => k),
  );
  s.stop();
});

test('an earlier entry scheduled after a later one re-arms the timer for its own time', () => {
  const t = new FakeTimers();
  t.now = 1000;
  const fired: number[] = [];
  const s = new Scheduler(t.read, (key) => fired.push(key), t);
  s.schedule(1, 3000);
  s.schedule(2, 1050);
  assert.deepEqual(t.delays, [2000, 50], 'armed for 2 s, then again for 50 ms');
  assert.equal(t.pendingTimeouts, 1, 'the first timer was cleared');
  t.advance(1049);
  assert.deepEqual(fired, []);
  t.advance(1050);
  assert.deepEqual(fired, [2]);
  assert.equal(s.pending, 1);
  assert.equal(t.nextDue, 3000);
  s.stop();
});

test('a batch larger than 4096 fires over several turns of the event loop, 4096 a turn', () => {
  const t = new FakeTimers();
  t.now = 1000;
  let total = 0;
  const s = new Scheduler(t.read, () => total++, t);
  for (let k = 0; k < 10_000; k++) s.schedule(k, k / 100);
  const batches: number[] = [];
  while (t.turn()) {
    batches.push(total - batches.reduce((a, b) => a + b, 0));
    // Between the batches the scheduler waits for an immediate, not a timer: sockets get read.
    if (s.pending > 0) assert.deepEqual([t.pendingImmediates, t.pendingTimeouts], [1, 0]);
  }
  assert.deepEqual(batches, [4096, 4096, 1808]);
  assert.equal(s.pending, 0);
  s.stop();
});

test('a slow target ends the turn after 5 ms of work, and the rest goes on the next', () => {
  const t = new FakeTimers();
  let fired = 0;
  // Each entry costs 0.1 ms of the (fake) clock: 5 ms is ~50 entries, checked every 16.
  const s = new Scheduler(t.read, () => {
    fired++;
    t.now += 0.1;
  }, t);
  for (let k = 0; k < 200; k++) s.schedule(k, 0);
  assert.equal(t.turn(), true);
  assert.ok(fired >= 50 && fired <= 64, `${fired} entries in the first turn`);
  assert.equal(t.pendingImmediates, 1, 'the rest waits for the next turn');
  s.stop();
});

test('stop() from inside the target ends the batch: nothing fires after it, and schedule is ignored', () => {
  const t = new FakeTimers();
  t.now = 1000;
  let fired = 0;
  const s = new Scheduler(t.read, () => {
    fired++;
    if (fired === 100) s.stop();
  }, t);
  for (let k = 0; k < 10_000; k++) s.schedule(k, k / 100);
  t.advance(1000);
  assert.equal(fired, 100);
  assert.equal(s.pending, 0);
  assert.deepEqual([t.pendingTimeouts, t.pendingImmediates], [0, 0], 'nothing armed that could fire later');
  s.schedule(1, 0);
  assert.equal(s.pending, 0);
  assert.deepEqual([t.pendingTimeouts, t.pendingImmediates], [0, 0]);
  t.advance(100_000);
  assert.equal(fired, 100);
});

test('stop() before the timer fires cancels everything pending', () => {
  const t = new FakeTimers();
  t.now = 500;
  let fired = 0;
  const s = new Scheduler(t.read, () => fired++, t);
  for (let k = 0; k < 10; k++) s.schedule(k, 510 + k);
  s.schedule(99, 495);
  assert.equal(s.pending, 11);
  assert.equal(t.pendingTimeouts, 1);
  s.stop();
  assert.equal(s.pending, 0);
  assert.equal(t.pendingTimeouts, 0, 'the timer was cleared');
  t.advance(10_000);
  assert.equal(fired, 0);
});

test('entries the target schedules while firing: due ones go in the same pass, later ones when due', () => {
  const t = new FakeTimers();
  t.now = 100;
  const seen: [number, number][] = [];
  const s = new Scheduler(t.read, (key, at) => {
    seen.push([key, at]);
    if (key === 1) {
      s.schedule(2, 100); // due now
      s.schedule(3, 150); // later
      s.schedule(4, 90); // already late: still fires, with its own time
    }
  }, t);
  s.schedule(1, 50);
  // One turn: the first entry and those it made due, in time order.
  assert.equal(t.turn(), true);
  assert.deepEqual(seen, [
    [1, 50],
    [4, 90],
    [2, 100],
  ]);
  assert.equal(t.advance(149), 0, 'nothing ran before 150');
  assert.equal(s.pending, 1);
  t.advance(150);
  assert.deepEqual(seen[3], [3, 150]);
  assert.equal(s.pending, 0);
  s.stop();
});

test('a target rescheduling itself on the real clock keeps its period (Node\'s own timers)', async () => {
  const clock = (): number => performance.now();
  const ats: number[] = [];
  const s = new Scheduler(clock, (key, at) => {
    ats.push(at);
    if (ats.length < 5) s.schedule(key, at + 20);
  });
  const t0 = performance.now();
  s.schedule(7, t0 + 20);
  await until(() => ats.length === 5, 3000);
  assert.deepEqual(
    ats,
    [1, 2, 3, 4, 5].map((i) => t0 + 20 * i),
  );
  assert.ok(performance.now() - t0 >= 99.5);
  s.stop();
});

test('pending counts scheduled entries and drops as they fire', () => {
  const t = new FakeTimers();
  const s = new Scheduler(t.read, () => undefined, t);
  assert.equal(s.pending, 0);
  for (let k = 0; k < 3000; k++) s.schedule(k, k);
  assert.equal(s.pending, 3000);
  t.advance(999.4);
  assert.equal(s.pending, 2000);
  assert.equal(t.nextDue, 1000);
  s.stop();
  assert.equal(s.pending, 0);
});

// Regression: a timer armed by schedule() while a full batch was firing was left behind when the
// batch ended with setImmediate; stop() could not clear it and it kept the process alive.
test('a full batch whose target schedules later entries leaves no timer behind after stop()', () => {
  const t = new FakeTimers();
  t.now = 1000;
  let fired = 0;
  const s = new Scheduler(t.read, (key) => {
    fired++;
    if (key < 5000) s.schedule(100_000 + key, 1000 + 60_000);
  }, t);
  for (let k = 0; k < 5000; k++) s.schedule(k, k / 10);
  t.advance(1000);
  assert.equal(fired, 5000);
  assert.equal(s.pending, 5000);
  assert.equal(t.pendingTimeouts, 1, 'one timer, for the later entries');
  s.stop();
  assert.deepEqual([t.pendingTimeouts, t.pendingImmediates], [0, 0]);
});

test('an entry beyond Node\'s longest timer (2^31−1 ms) waits instead of making the worker spin on 1 ms timers', () => {
  const t = new FakeTimers();
  const seen: number[] = [];
  const s = new Scheduler(t.read, (key) => seen.push(key), t);
  s.schedule(1, 3_000_000_000);
  // A longer delay would overflow to 1 ms in Node (TimeoutOverflowWarning) and fire at once.
  assert.deepEqual(t.delays, [MAX_TIMER_MS]);
  t.advance(MAX_TIMER_MS);
  assert.deepEqual(seen, [], 'woken at the longest timer, the entry is not due');
  assert.deepEqual(t.delays, [MAX_TIMER_MS, 3_000_000_000 - MAX_TIMER_MS], 'armed again for the rest');
  t.advance(3_000_000_000);
  assert.deepEqual(seen, [1]);
  s.stop();
});
