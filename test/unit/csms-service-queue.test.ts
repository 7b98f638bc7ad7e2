import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServiceQueue, type ServiceTimers } from '../../src/csms/service-queue';
import { FakeTimers } from '../helpers/fake-timers';

/**
 * The service queue of the CSMS of known capacity, on a fake clock: every figure is exact
 * because nothing here waits on a real timer. A station here is a name; its answer is recorded
 * with the clock reading at which the queue gave it.
 */
interface Answer {
  station: string;
  id: string;
  action: string;
  answer: string | undefined;
  arrivedAt: number;
  at: number;
}

function harness(servers: number, serviceTimeMs: number, timers?: ServiceTimers, fake = new FakeTimers()) {
  const answers: Answer[] = [];
  let onAnswer: ((a: Answer) => void) | undefined;
  const queue = new ServiceQueue<string, string>(
    servers,
    serviceTimeMs,
    (station, id, action, answer, arrivedAt) => {
      const a = { station, id, action, answer, arrivedAt, at: fake.now };
      answers.push(a);
      onAnswer?.(a);
    },
    fake.read,
    timers ?? fake,
  );
  return {
    fake,
    queue,
    answers,
    /** The clock moves one ms at a time, each timer firing when due (a punctual event loop). */
    stepTo(to: number) {
      while (fake.now < to) fake.advance(fake.now + 1);
    },
    onAnswer(f: (a: Answer) => void) {
      onAnswer = f;
    },
  };
}

const when = (answers: readonly Answer[]): [string, number][] => answers.map((a) => [a.id, a.at]);

describe('service queue: virtual servers', () => {
  test('one server: each call completes exactly T after the previous one, in arrival order', () => {
    const h = harness(1, 4);
    h.queue.push('CP-1', 'a', 'Heartbeat', 'A');
    h.queue.push('CP-2', 'b', 'Heartbeat', 'B');
    h.queue.push('CP-3', 'c', 'Heartbeat', 'C');
    h.stepTo(20);
    assert.deepEqual(when(h.answers), [
      ['a', 4],
      ['b', 8],
      ['c', 12],
    ]);
    assert.deepEqual(
      h.answers.map((a) => [a.station, a.action, a.answer, a.arrivedAt]),
      [
        ['CP-1', 'Heartbeat', 'A', 0],
        ['CP-2', 'Heartbeat', 'B', 0],
        ['CP-3', 'Heartbeat', 'C', 0],
      ],
    );
  });

  test('a call that finds a server free starts when it arrives', () => {
    const h = harness(1, 4);
    h.stepTo(7);
    h.queue.push('CP-1', 'a', 'Heartbeat', 'A');
    h.stepTo(30);
    h.queue.push('CP-1', 'b', 'Heartbeat', 'B');
    h.stepTo(40);
    assert.deepEqual(when(h.answers), [
      ['a', 11],
      ['b', 34],
    ]);
  });

  test('S servers work in parallel: two at a time, the rest wait for the first to free', () => {
    const h = harness(2, 4);
    for (const id of ['a', 'b', 'c', 'd', 'e']) h.queue.push('CP', id, 'Heartbeat', id);
    h.stepTo(20);
    assert.deepEqual(when(h.answers), [
      ['a', 4],
      ['b', 4],
      ['c', 8],
      ['d', 8],
      ['e', 12],
    ]);
  });

  test('a waiting call takes the server that frees first (S = 2, T = 10, arrivals 0, 3, 5, 11)', () => {
    const h = harness(2, 10);
    h.queue.push('CP', 'a', 'Heartbeat', 'a'); // server 1: 0..10
    h.stepTo(3);
    h.queue.push('CP', 'b', 'Heartbeat', 'b'); // server 2: 3..13
    h.stepTo(5);
    h.queue.push('CP', 'c', 'Heartbeat', 'c'); // both busy: server 1 frees first, 10..20
    h.stepTo(11);
    h.queue.push('CP', 'd', 'Heartbeat', 'd'); // server 2 frees at 13: 13..23
    h.stepTo(30);
    assert.deepEqual(when(h.answers), [
      ['a', 10],
      ['b', 13],
      ['c', 20],
      ['d', 23],
    ]);
    assert.equal(h.queue.snapshot().meanWaitMs, (0 + 0 + 5 + 2) / 4);
  });

  test('a fractional service time is kept exactly (T = 2.5: completions at 2.5, 5, 7.5, answered at the next ms)', () => {
    const h = harness(1, 2.5);
    for (const id of ['a', 'b', 'c']) h.queue.push('CP', id, 'Heartbeat', id);
    h.stepTo(10);
    assert.deepEqual(when(h.answers), [
      ['a', 3],
      ['b', 5],
      ['c', 8],
    ]);
  });

  test('an action without an answer (NotImplemented) waits its turn like any other', () => {
    const h = harness(1, 3);
    h.queue.push('CP', 'a', 'NoSuchAction', undefined);
    h.queue.push('CP', 'b', 'Heartbeat', 'B');
    h.stepTo(10);
    assert.deepEqual(
      h.answers.map((a) => [a.id, a.answer, a.at]),
      [
        ['a', undefined, 3],
        ['b', 'B', 6],
      ],
    );
  });
});

describe('service queue: one timer, and lateness costs no throughput', () => {
  test('one timer at most, whatever the number of calls and servers; none once empty', () => {
    const h = harness(4, 5);
    for (let i = 0; i < 100; i++) {
      h.queue.push(`CP-${i}`, String(i), 'Heartbeat', 'x');
      assert.ok(h.fake.pendingTimeouts <= 1, `${h.fake.pendingTimeouts} timers after ${i + 1} calls`);
    }
    assert.equal(h.fake.pendingTimeouts, 1);
    assert.equal(h.fake.nextDue, 5, 'armed for the earliest completion');
    h.stepTo(200);
    assert.equal(h.answers.length, 100);
    assert.equal(h.fake.pendingTimeouts, 0);
  });

  test('a timer that fires late answers every call whose completion passed, in order, at once', () => {
    const h = harness(2, 4);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) h.queue.push('CP', id, 'Heartbeat', id);
    h.fake.advance(10); // the loop was busy until 10: completions 4, 4, 8, 8 are due, 12 and 12 are not
    assert.deepEqual(when(h.answers), [
      ['a', 10],
      ['b', 10],
      ['c', 10],
      ['d', 10],
    ]);
    assert.equal(h.fake.nextDue, 12, 'armed for the next completion, which the lateness did not move');
    h.fake.advance(12);
    assert.deepEqual(when(h.answers.slice(4)), [
      ['e', 12],
      ['f', 12],
    ]);
  });

  test('a timer that fires early answers nothing before its time and arms again (no spin)', () => {
    const fake = new FakeTimers();
    // Node counts a timer from the loop's cached time, so it can fire before the clock reaches the due moment.
    const early: ServiceTimers = { setTimeout: (run, ms) => fake.setTimeout(run, Math.max(1, ms - 1)), clearTimeout: (h) => fake.clearTimeout(h) };
    const h = harness(1, 3, early, fake);
    for (const id of ['a', 'b']) h.queue.push('CP', id, 'Heartbeat', id);
    const turns = h.fake.advance(2);
    assert.equal(turns, 1, 'the early timer fired once');
    assert.deepEqual(h.answers, [], 'nothing answered before its completion');
    assert.equal(h.fake.pendingTimeouts, 1, 'armed again');
    h.stepTo(10);
    assert.deepEqual(when(h.answers), [
      ['a', 3],
      ['b', 6],
    ]);
  });

  /** `stations` closed-loop stations (each calls again the moment it is answered), the loop late by 0–`lateMs`. */
  function saturate(servers: number, serviceTimeMs: number, stations: number, spanMs: number, lateMs: number): { served: number; maxQueue: number } {
    const h = harness(servers, serviceTimeMs);
    let n = 0;
    h.onAnswer((a) => h.queue.push(a.station, String(n++), 'Heartbeat', 'x'));
    for (let i = 0; i < stations; i++) h.queue.push(`CP-${i}`, String(n++), 'Heartbeat', 'x');
    // A seeded walk of the loop's wake-ups: due timers run only when the loop wakes, 0–lateMs after.
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    while (h.fake.now < spanMs) {
      const due = h.fake.nextDue ?? spanMs;
      h.fake.advance(Math.min(spanMs, Math.max(h.fake.now, due) + random() * lateMs));
      assert.ok(h.fake.pendingTimeouts <= 1, `${h.fake.pendingTimeouts} timers armed at ${h.fake.now} ms`);
    }
    const s = h.queue.snapshot();
    assert.equal(s.served, h.answers.length);
    assert.equal(s.received, s.served + s.queueLength, 'every call taken is served or still held');
    return { served: s.served, maxQueue: s.maxQueueLength };
  }

  for (const [servers, serviceTimeMs] of [
    [1, 2],
    [2, 2],
    [1, 4],
    [2, 4],
    [1, 8],
    [2, 8],
    [3, 1.5],
  ] as const) {
    test(`throughput is exactly S × 1000 / T over 60 virtual seconds, timers late by up to 7 ms (S = ${servers}, T = ${serviceTimeMs} ms)`, () => {
      // Completions fall on multiples of T (60,000 ms among them); the span ends 1 ms after that
      // one (its timer is armed for the next whole ms) and before the next (T > 1 ms).
      const span = 60_001;
      const exact = servers * (60_000 / serviceTimeMs);
      const punctual = saturate(servers, serviceTimeMs, 50, span, 0);
      const late = saturate(servers, serviceTimeMs, 50, span, 7);
      assert.equal(punctual.served, exact, `${(servers * 1000) / serviceTimeMs} calls/s for 60 s`);
      assert.equal(late.served, exact, 'lateness delays answers but loses no service time');
      assert.equal(late.maxQueue, 50, 'every station waits in the queue: the servers never idled');
    });
  }

  test('past capacity the wait grows without bound: S = 1, T = 2 offered one call a ms, the k-th call is answered k + 2 ms after it arrived', () => {
    const h = harness(1, 2);
    for (let k = 0; k < 10_000; k++) {
      h.fake.advance(k);
      h.queue.push('CP', String(k), 'Heartbeat', 'x');
    }
    h.stepTo(20_001);
    assert.equal(h.answers.length, 10_000);
    h.answers.forEach((a, k) => assert.equal(a.at - a.arrivedAt, k + 2, `call ${k}`));
    const s = h.queue.snapshot();
    // Call 9,999 (at 9,999 ms) finds calls 4,999 to 9,998 still held: 5,000 of them, and itself.
    assert.equal(s.maxQueueLength, 5_001);
    assert.equal(s.meanWaitMs, 4999.5, 'the k-th call waits k ms for the server');
  });

  test('below capacity nothing waits: S = 1, T = 2 offered one call every 3 ms, each answered 2 ms after it came', () => {
    const h = harness(1, 2);
    for (let k = 0; k < 1_000; k++) {
      h.stepTo(3 * k);
      h.queue.push('CP', String(k), 'Heartbeat', 'x');
    }
    h.stepTo(3_010);
    assert.equal(h.answers.length, 1_000);
    for (const a of h.answers) assert.equal(a.at - a.arrivedAt, 2);
    assert.deepEqual(h.queue.snapshot(), {
      servers: 1,
      serviceTimeMs: 2,
      capacityPerSecond: 500,
      received: 1_000,
      served: 1_000,
      queueLength: 0,
      maxQueueLength: 1,
      meanWaitMs: 0,
    });
  });
});

describe('service queue: ring and end of life', () => {
  test('keeps FIFO order across the ring wrapping and growing', () => {
    const h = harness(1, 1);
    let n = 0;
    for (; n < 50; n++) h.queue.push('CP', String(n), 'Heartbeat', 'x');
    h.stepTo(40); // 40 answered: the head is now well into the ring
    for (; n < 300; n++) h.queue.push('CP', String(n), 'Heartbeat', 'x'); // wraps, then grows twice
    h.stepTo(400);
    assert.deepEqual(
      h.answers.map((a) => Number(a.id)),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.equal(h.queue.snapshot().maxQueueLength, 260);
  });

  test('stop clears the timer and answers nothing more', () => {
    const h = harness(1, 5);
    h.queue.push('CP', 'a', 'Heartbeat', 'x');
    h.queue.push('CP', 'b', 'Heartbeat', 'x');
    h.queue.stop();
    assert.equal(h.fake.pendingTimeouts, 0);
    h.queue.push('CP', 'c', 'Heartbeat', 'x');
    h.stepTo(50);
    assert.deepEqual(h.answers, []);
    assert.equal(h.queue.length, 0);
  });

  test('refuses a service time or a server count it cannot model', () => {
    const done = (): void => undefined;
    assert.throws(() => new ServiceQueue(0, 4, done), /^TypeError: servers must be an integer >= 1, got 0$/);
    assert.throws(() => new ServiceQueue(1.5, 4, done), /servers must be an integer >= 1, got 1\.5/);
    assert.throws(() => new ServiceQueue(1, 0, done), /^TypeError: serviceTimeMs must be a number > 0, got 0$/);
    assert.throws(() => new ServiceQueue(1, Infinity, done), /serviceTimeMs must be a number > 0, got Infinity/);
  });
});
