import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator, type NameTables } from '../../src/metrics/aggregator';
import type { Histogram } from '../../src/metrics/intervals';
import { GeneratorCode, RecordKind, packHeader } from '../../src/metrics/record';
import { WindowLedger } from '../../src/metrics/window-ledger';
import { windowPart } from '../../src/metrics/window-part';
import { ACTION_NAMES, actionCode, actionsOf, ERROR_KINDS, errorKindCode } from '../../src/ocpp';
import { parseThreshold } from '../../src/report/thresholds';
import type { MetricNames } from '../../src/report/thresholds-names';
import { evaluateThresholds } from '../../src/report/thresholds-eval';
import { RandomStream } from '../../src/scenario/random';
import { stepWindow, type StepWindow } from '../../src/run/live-window';
import { COUNTER_NAMES, counterCode } from '../../src/station/counters';
import { LagHistogram } from '../../src/worker/lag-histogram';

const GROUPS = ['urban', 'highway'];
const NAMES: NameTables = { actionNames: ACTION_NAMES, groupNames: GROUPS, errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES };
const METRICS: MetricNames = {
  stationActions: [...new Set([...actionsOf('1.6').station, ...actionsOf('2.0.1').station])],
  csmsActions: [],
  errorKinds: ERROR_KINDS,
  counters: COUNTER_NAMES,
  groups: GROUPS,
};
type Rec = [number, number, number, number];

/**
 * Twelve seconds of a run with every record kind a window counts, in both groups, latencies that
 * grow second by second (so a window's p99 differs from the run's), each record time-stamped
 * within its second.
 */
function records(): Rec[] {
  const stream = new RandomStream(12);
  const rnd = (): number => stream.next();
  const hb = actionCode('Heartbeat');
  const mv = actionCode('MeterValues');
  const out: Rec[] = [];
  for (let second = 0; second < 12; second++) {
    const at = (): number => second * 1000 + Math.floor(rnd() * 1000);
    for (let i = 0; i < 200 + second * 20; i++) {
      const group = rnd() < 0.7 ? 0 : 1;
      const response = Math.round((1 + second) * 1000 * (1 + 4 * rnd() * rnd()));
      out.push([packHeader(RecordKind.CallOk, group, i % 3 === 0 ? mv : hb), response, Math.round(response * 0.6), at()]);
    }
    for (let i = 0; i < second; i++) out.push([packHeader(RecordKind.CallTimeout, 0, mv), 30_000_000, 0, at()]);
    for (let i = 0; i < second % 4; i++) out.push([packHeader(RecordKind.Error, 0, errorKindCode('timeout')), 1, 0, at()]);
    for (let i = 0; i < 2; i++) out.push([packHeader(RecordKind.CallError, 1, mv), 2000, 1000, at()]);
    out.push([packHeader(RecordKind.CallAborted, 1, hb), 0, 0, at()]);
    out.push([packHeader(RecordKind.CallInvalid, 0, hb), 0, 0, at()]);
    out.push([packHeader(RecordKind.CallNotSent, second % 2, mv), 1, 0, at()]);
    out.push([packHeader(RecordKind.ConnectOk, 0, 0), 1000 + second * 300, 0, at()]);
    out.push([packHeader(RecordKind.ConnectFail, 1, errorKindCode('connectRefused')), 50, 0, at()]);
    out.push([packHeader(RecordKind.BootAccepted, second % 2, 0), 20_000 + second * 1000, 0, at()]);
    out.push([packHeader(RecordKind.Error, 1, errorKindCode('connectionLost')), 1, 0, at()]);
    out.push([packHeader(RecordKind.Counter, 0, counterCode('transactionsStarted')), 3, 0, at()]);
  }
  return out;
}

/** The ledger as a live run fills it: records drained out of order within ~1 s, clock ticks between, and a few records late. */
function ledgerOf(recs: readonly Rec[]): WindowLedger {
  const ledger = new WindowLedger(ERROR_KINDS.indexOf('neverSent'));
  const sorted = [...recs].sort((a, b) => a[3] - b[3]);
  const late: Rec[] = [];
  sorted.forEach((r, i) => {
    // Every 50th record is held back and ingested after its second has closed.
    if (i % 50 === 7) late.push(r);
    else ledger.ingest(0, ...r);
    if (i % 40 === 0) ledger.advanceTo(Math.floor(r[3] / 1000));
  });
  ledger.advanceTo(20);
  for (const r of late) ledger.ingest(0, ...r);
  return ledger;
}

function windowAggregator(ledger: WindowLedger, from: number, to: number): Aggregator {
  const agg = new Aggregator(NAMES);
  agg.addPart(windowPart(ledger, from, to, GROUPS.length).part);
  return agg;
}

function referenceAggregator(recs: readonly Rec[], from: number, to: number): Aggregator {
  const agg = new Aggregator(NAMES);
  for (const r of recs) if (r[3] >= from * 1000 && r[3] < to * 1000) agg.ingest(...r);
  return agg;
}

function shape(h: Histogram): number[] {
  return [h.totalCount, h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.maxValue, h.minNonZeroValue, h.mean];
}

test('a window is exactly an aggregator fed with only its seconds\' records: counts, histograms, errors, counters, never-sent', () => {
  const recs = records();
  const ledger = ledgerOf(recs);
  for (const [from, to] of [[3, 7], [0, 12], [11, 12], [5, 6]] as const) {
    const w = windowAggregator(ledger, from, to);
    const ref = referenceAggregator(recs, from, to);
    for (const [group, actions] of ref.groups()) {
      for (const [action, s] of actions) {
        const got = w.groups().get(group)?.get(action);
        assert.ok(got !== undefined, `${from}..${to}: ${group} ${action} missing`);
        const counts = (x: typeof s): number[] => [x.sent, x.ok, x.callErrors, x.timeouts, x.invalid, x.aborted, x.neverSent];
        assert.deepEqual(counts(got), counts(s), `${from}..${to}: ${group} ${action} counts`);
        assert.deepEqual(shape(got.response), shape(s.response), `${from}..${to}: ${group} ${action} response`);
        assert.deepEqual(shape(got.service), shape(s.service), `${from}..${to}: ${group} ${action} service`);
      }
    }
    assert.equal(w.groups().size, ref.groups().size);
    assert.deepEqual([...w.errors()].sort(), [...ref.errors()].sort());
    assert.deepEqual([...w.groupErrors().get('highway') ?? []].sort(), [...ref.groupErrors().get('highway') ?? []].sort());
    assert.deepEqual([...w.counters()], [...ref.counters()]);
    assert.deepEqual([...w.neverSentByReason()], [...ref.neverSentByReason()]);
    assert.deepEqual([w.connect.attempts, w.connect.ok, w.connect.errors, ...shape(w.connect.latency)], [ref.connect.attempts, ref.connect.ok, ref.connect.errors, ...shape(ref.connect.latency)]);
    assert.deepEqual([w.boot.accepted, ...shape(w.boot.timeToAccepted)], [ref.boot.accepted, ...shape(ref.boot.timeToAccepted)]);
    assert.deepEqual(w.live(to * 1000).errors, ref.live(to * 1000).errors, 'failures counted the same (timeouts apart)');
  }
});

test('evaluateThresholds reads a window as it reads a run: the values of the window alone', () => {
  const recs = records();
  const ledger = ledgerOf(recs);
  const texts = [
    'Heartbeat.p99 < 10ms', 'group:highway.MeterValues.p50 < 10ms', 'MeterValues.service.max < 1s', 'calls.rate > 10',
    'errors.rate < 1%', 'MeterValues.timeouts.count < 3', 'group:urban.errors.count < 5', 'connect.p99 < 2ms', 'connect.errors.rate < 10%',
    'boot.max < 25s', 'errors.connectionLost.count < 2', 'counters.transactionsStarted.count > 1',
  ];
  const thresholds = texts.map((t) => parseThreshold(t, METRICS, { source: 'test' }));
  const windowed = evaluateThresholds(thresholds, { aggregator: windowAggregator(ledger, 2, 6), elapsedMs: 4000 });
  const reference = evaluateThresholds(thresholds, { aggregator: referenceAggregator(recs, 2, 6), elapsedMs: 4000 });
  assert.deepEqual(windowed, reference);
  // Never the cumulative run: no call of seconds 2..5 took more than 6 ms × 5 = 30 ms, the run's later ones did.
  const whole = evaluateThresholds(thresholds, { aggregator: referenceAggregator(recs, 0, 12), elapsedMs: 12_000 });
  const p99 = (results: typeof windowed): number => results[0]?.value ?? NaN;
  assert.ok(p99(windowed) >= 15 && p99(windowed) <= 30, `window p99 ${p99(windowed)} ms`);
  assert.ok(p99(whole) > 30, `run p99 ${p99(whole)} ms`);
});

test("a window's generator figures: each worker's delay buckets added over its seconds, p99 as a LagHistogram would give it", () => {
  const ledger = new WindowLedger(-1);
  const expected = [new LagHistogram(), new LagHistogram()];
  for (let second = 0; second < 6; second++) {
    for (let worker = 0; worker < 2; worker++) {
      // Worker 1 is the saturated one from second 3 on.
      const h = new LagHistogram();
      for (let i = 0; i < 100; i++) {
        const ms = worker === 1 && second >= 3 ? 50 + i : i / 10;
        h.record(ms);
        if (second >= 2 && second < 5) expected[worker]?.record(ms);
      }
      h.emitNew(new Uint32Array(256), (b, n) => ledger.ingest(worker, packHeader(RecordKind.Generator, 0, GeneratorCode.LoopDelayBucket + b), n, 0, second * 1000));
      ledger.ingest(worker, packHeader(RecordKind.Generator, 0, GeneratorCode.Utilisation), worker === 1 ? 900_000 : 250_000, worker === 1 ? 100_000 : 750_000, second * 1000);
    }
  }
  const { workers } = windowPart(ledger, 2, 5, 1);
  assert.equal(workers.length, 2);
  for (const w of workers) {
    const e = expected[w.worker] as LagHistogram;
    assert.equal(w.loopDelay.samples, 300);
    // Its bucket's upper edge: at or above the value, within the bucket's 1/8 (the worker's own figure caps it at the exact max).
    assert.ok(w.loopDelay.p99 >= e.quantile(0.99) && w.loopDelay.p99 <= e.quantile(0.99) * 1.125 + 0.016, `${w.loopDelay.p99} vs ${e.quantile(0.99)}`);
    assert.ok(w.loopDelay.max >= e.figures().max, 'the max is its bucket\'s upper edge, never below');
    assert.equal(w.schedulerLag.samples, 0);
  }
  assert.equal(workers[0]?.busyShare, 0.25);
  assert.equal(workers[1]?.busyShare, 0.9);
  // Seconds 2..4 of worker 1: one of three seconds calm (0..9.9 ms), two saturated (50..149 ms): p99 near 148 ms.
  assert.ok((workers[1]?.loopDelay.p99 ?? 0) >= 148 && (workers[1]?.loopDelay.p99 ?? 0) <= 148 * 1.125, String(workers[1]?.loopDelay.p99));
});

test('LagHistogram.emitNew sends only what each bucket gained since the last time', () => {
  const h = new LagHistogram();
  const seen = new Uint32Array(256);
  const sent = (): Map<number, number> => {
    const out = new Map<number, number>();
    h.emitNew(seen, (b, n) => out.set(b, n));
    return out;
  };
  h.record(1);
  h.record(1);
  h.record(100);
  const first = sent();
  assert.equal([...first.values()].reduce((a, b) => a + b, 0), 3);
  assert.equal(sent().size, 0, 'nothing new, nothing sent');
  h.record(100);
  assert.deepEqual([...sent().values()], [1]);
});

test('gauges: a window keeps the lowest level of any second, per group and for the fleet', () => {
  const ledger = new WindowLedger(-1);
  const level = (urban: number, highway: number): { connected: number; booted: number; charging: number }[] => [
    { connected: urban, booted: urban, charging: 0 },
    { connected: highway, booted: highway - 1, charging: 0 },
  ];
  ledger.sampleGauges(1000, level(10, 5));
  ledger.sampleGauges(1200, level(8, 5));
  ledger.sampleGauges(2100, level(10, 3));
  ledger.sampleGauges(3100, level(10, 5));
  const part = windowPart(ledger, 1, 3, 2);
  assert.deepEqual(part.lowestGauges.map((g) => g.connected), [8, 3]);
  assert.deepEqual(part.lowestGauges.map((g) => g.booted), [8, 2]);
  // Second 1: 8 + 5 = 13, second 2: 10 + 3 = 13.
  assert.equal(part.lowestTotal.connected, 13);
  assert.equal(windowPart(ledger, 3, 4, 2).lowestTotal.connected, 15);
});

test('a step window judges the health checks on its own seconds: stations against those asked to run, csmsAlive by the death\'s time', () => {
  const ledger = new WindowLedger(ERROR_KINDS.indexOf('neverSent'));
  const hb = actionCode('Heartbeat');
  for (let second = 0; second < 8; second++) {
    // From second 4 on, 3 of urban's 8 stations are gone and a tenth of the calls time out.
    const urban = second < 4 ? 8 : 5;
    ledger.sampleGauges(second * 1000 + 100, [{ connected: urban, booted: urban, charging: 0 }, { connected: 4, booted: 4, charging: 0 }]);
    for (let i = 0; i < 100; i++) {
      const kind = second >= 4 && i % 10 === 0 ? RecordKind.CallTimeout : RecordKind.CallOk;
      ledger.ingest(0, packHeader(kind, i % 2, hb), 5000, 4000, second * 1000 + i);
    }
  }
  ledger.finish();
  const facts = {
    names: NAMES,
    ledger,
    activeAt: (ms: number): readonly number[] => (ms <= 1000 ? [0, 0] : [8, 4]),
    limits: { connected: 100, booted: 100, incompleteCalls: 1, openTransactions: 0, csmsAlive: 1, eventLoopDelay: 200, schedulerLag: 200 },
    embeddedCsms: true,
    csmsDeath: { code: null, signal: 'SIGKILL', atMs: 6500, lastLines: [] },
    workers: 1,
    epochWallMs: 0,
  };
  const check = (w: StepWindow, name: string): { passed: boolean; value: number | null; detail: string } => {
    const h = w.health.find((x) => x.check === name);
    assert.ok(h !== undefined, name);
    return { passed: h.passed, value: h.value, detail: h.detail };
  };
  const calm = stepWindow(facts, 1, 4);
  assert.deepEqual(calm.stations, { active: 12, connected: 12, booted: 12 });
  assert.deepEqual(calm.health.filter((h) => !h.passed), []);
  assert.equal(calm.calls, 300);
  assert.equal(calm.callsPerSecond, 100);
  assert.equal(calm.source.elapsedMs, 3000);
  assert.equal(check(calm, 'openTransactions').value, null);
  assert.match(check(calm, 'csmsAlive').detail, /alive at the end of the window/);

  const broken = stepWindow(facts, 4, 8);
  assert.deepEqual(broken.stations, { active: 12, connected: 9, booted: 9 });
  assert.deepEqual(check(broken, 'connected'), { passed: false, value: 75, detail: 'connected 9 of 12 stations; group urban 5 of 8' });
  assert.equal(check(broken, 'incompleteCalls').passed, false);
  assert.equal(check(broken, 'incompleteCalls').value, 10);
  assert.equal(broken.callsPerSecond, 90);
  assert.equal(broken.offeredCallsPerSecond, 100);
  assert.deepEqual([check(broken, 'csmsAlive').passed, check(broken, 'csmsAlive').value], [false, 0]);
  assert.match(check(broken, 'csmsAlive').detail, /died 6\.5 s into the run \(killed by SIGKILL\)/);
  // A window ended before the death: alive.
  assert.equal(check(stepWindow(facts, 4, 6), 'csmsAlive').passed, true);
});
