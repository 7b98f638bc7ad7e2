import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Scheduler } from '../../src/worker/scheduler';
import { RandomStream } from '../../src/scenario/random';

/** A clock that moves only when the test says so (the Node timer underneath is still real). */
class ManualClock {
  now = 0;
  readonly read = (): number => this.now;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `done()` is true, polling each turn of the event loop; fails after `limitMs`. */
async function until(done: () => boolean, limitMs = 5000): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('entries fire in time order, each with the time it was scheduled for, and none before it is due', async () => {
  const clock = new ManualClock();
  const seen: [number, number][] = [];
  const s = new Scheduler(clock.read, (key, at) => seen.push([key, at]));
  s.schedule(3, 30);
  s.schedule(1, 10);
  s.schedule(2, 20);
  assert.equal(s.pending, 3);

  clock.now = 25;
  await until(() => seen.length === 2);
  await sleep(20);
  assert.deepEqual(seen, [
    [1, 10],
    [2, 20],
  ]);
  assert.equal(s.pending, 1);

  // Within half a millisecond counts as due (Node timers have 1 ms granularity); earlier does not.
  clock.now = 29.4;
  await sleep(20);
  assert.equal(seen.length, 2);
  clock.now = 29.6;
  await until(() => seen.length === 3);
  assert.deepEqual(seen[2], [3, 30]);
  assert.equal(s.pending, 0);
  s.stop();
});

test('50,000 random entries come out sorted by time, each exactly once', async () => {
  const n = 50_000;
  const clock = new ManualClock();
  clock.now = 2_000_000;
  const rnd = new RandomStream(12345);
  const times = Array.from({ length: n }, () => rnd.uniform(0, 1_000_000));
  const keys: number[] = [];
  const ats: number[] = [];
  const s = new Scheduler(clock.read, (key, at) => {
    keys.push(key);
    ats.push(at);
  });
  // All in the past: the order the target sees is the heap's order, not the timer's.
  for (let k = 0; k < n; k++) s.schedule(k, times[k] as number);
  assert.equal(s.pending, n);
  await until(() => keys.length === n);
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

test('entries with equal times all fire, earlier times first', async () => {
  const clock = new ManualClock();
  clock.now = 100;
  const keys: number[] = [];
  const s = new Scheduler(clock.read, (key) => keys.push(key));
  for (let k = 0; k < 2000; k++) s.schedule(k, k % 3 === 0 ? 5 : 7);
  await until(() => keys.length === 2000);
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

test('an earlier entry scheduled after a later one re-arms the timer and fires near its time', async () => {
  const fired = new Map<number, { at: number; when: number }>();
  const clock = (): number => performance.now();
  const s = new Scheduler(clock, (key, at) => fired.set(key, { at, when: performance.now() }));
  const t0 = performance.now();
  s.schedule(1, t0 + 2000);
  s.schedule(2, t0 + 50);
  await until(() => fired.has(2), 1500);
  const early = fired.get(2) as { at: number; when: number };
  assert.equal(early.at, t0 + 50);
  assert.ok(early.when >= early.at - 0.5, `fired ${early.at - early.when} ms early`);
  assert.ok(early.when - early.at < 200, `fired ${early.when - early.at} ms late`);
  assert.equal(fired.has(1), false);
  assert.equal(s.pending, 1);
  s.stop();
});

test('a batch larger than 4096 fires over several turns of the event loop, 4096 a turn', async () => {
  const clock = new ManualClock();
  clock.now = 1000;
  const batches: number[] = [];
  let inTurn = false;
  let total = 0;
  const s = new Scheduler(clock.read, () => {
    if (!inTurn) {
      inTurn = true;
      batches.push(0);
      // Runs before the scheduler's own setImmediate, queued after this one at the end of the batch.
      setImmediate(() => (inTurn = false));
    }
    batches[batches.length - 1]! += 1;
    total++;
  });
  for (let k = 0; k < 10_000; k++) s.schedule(k, k / 100);
  await until(() => total === 10_000);
  assert.deepEqual(batches, [4096, 4096, 1808]);
  assert.equal(s.pending, 0);
  s.stop();
});

test('stop() from inside the target ends the batch: nothing fires after it, and schedule is ignored', async () => {
  const clock = new ManualClock();
  clock.now = 1000;
  let fired = 0;
  const s = new Scheduler(clock.read, () => {
    fired++;
    if (fired === 100) s.stop();
  });
  for (let k = 0; k < 10_000; k++) s.schedule(k, k / 100);
  await until(() => fired >= 100);
  await sleep(30);
  assert.equal(fired, 100);
  assert.equal(s.pending, 0);
  s.schedule(1, 0);
  assert.equal(s.pending, 0);
  await sleep(30);
  assert.equal(fired, 100);
});

test('stop() before the timer fires cancels everything pending', async () => {
  const clock = (): number => performance.now();
  let fired = 0;
  const s = new Scheduler(clock, () => fired++);
  const t0 = performance.now();
  for (let k = 0; k < 10; k++) s.schedule(k, t0 + 10 + k);
  s.schedule(99, t0 - 5);
  assert.equal(s.pending, 11);
  s.stop();
  assert.equal(s.pending, 0);
  await sleep(60);
  assert.equal(fired, 0);
});

test('entries the target schedules while firing: due ones go in the same pass, later ones when due', async () => {
  const clock = new ManualClock();
  clock.now = 100;
  const seen: [number, number][] = [];
  const s = new Scheduler(clock.read, (key, at) => {
    seen.push([key, at]);
    if (key === 1) {
      s.schedule(2, 100); // due now
      s.schedule(3, 150); // later
      s.schedule(4, 90); // already late: still fires, with its own time
    }
  });
  s.schedule(1, 50);
  await until(() => seen.length === 3);
  await sleep(20);
  assert.deepEqual(seen, [
    [1, 50],
    [4, 90],
    [2, 100],
  ]);
  assert.equal(s.pending, 1);
  clock.now = 150;
  await until(() => seen.length === 4);
  assert.deepEqual(seen[3], [3, 150]);
  assert.equal(s.pending, 0);
  s.stop();
});

test('a target rescheduling itself on the real clock keeps its period', async () => {
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

test('pending counts scheduled entries and drops as they fire', async () => {
  const clock = new ManualClock();
  const s = new Scheduler(clock.read, () => undefined);
  assert.equal(s.pending, 0);
  for (let k = 0; k < 3000; k++) s.schedule(k, k);
  assert.equal(s.pending, 3000);
  clock.now = 999.4;
  await until(() => s.pending === 2000);
  await sleep(20);
  assert.equal(s.pending, 2000);
  s.stop();
  assert.equal(s.pending, 0);
});

// Regression: a timer armed by schedule() while a full batch was firing was left behind when the
// batch ended with setImmediate; stop() could not clear it and it kept the process alive.
test('a full batch whose target schedules later entries leaves no timer behind after stop()', async () => {
  const clock = new ManualClock();
  clock.now = 1000;
  const before = timeouts();
  let fired = 0;
  const s = new Scheduler(clock.read, (key) => {
    fired++;
    if (key < 5000) s.schedule(100_000 + key, 1000 + 60_000);
  });
  for (let k = 0; k < 5000; k++) s.schedule(k, k / 10);
  await until(() => fired === 5000);
  assert.equal(s.pending, 5000);
  s.stop();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(timeouts(), before);
});

test('an entry beyond Node\'s longest timer (2^31−1 ms) waits instead of making the worker spin on 1 ms timers', async () => {
  let reads = 0;
  const seen: number[] = [];
  const s = new Scheduler(() => {
    reads++;
    return 0;
  }, (key) => seen.push(key));
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.name);
  };
  process.on('warning', onWarning);
  try {
    s.schedule(1, 3_000_000_000);
    const armed = reads;
    await sleep(40);
    // A timer that overflowed would fire within 1 ms, find nothing due, read the clock and arm again, 40 times over.
    assert.equal(reads - armed, 0, `the clock was read ${reads - armed} times while nothing was due`);
    assert.deepEqual(seen, []);
    assert.deepEqual(warnings.filter((w) => w === 'TimeoutOverflowWarning'), []);
  } finally {
    s.stop();
    process.off('warning', onWarning);
  }
});
