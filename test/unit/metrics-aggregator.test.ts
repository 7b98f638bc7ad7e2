import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../../src/metrics/aggregator';
import { Gauge, GaugeWriter, createGauges, sumGauges } from '../../src/metrics/gauges';
import { RecordKind, packHeader } from '../../src/metrics/record';
import { ACTION, COUNTER, ERROR, GROUP, NAMES } from '../helpers/metrics-names';

/** HDR with 3 significant digits: a value is reported within 0.1 % of what was recorded. */
function assertNear(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);
}

function call(agg: Aggregator, kind: RecordKind, group: number, action: number, w1: number, w2: number, atMs: number): void {
  agg.ingest(packHeader(kind, group, action), w1, w2, atMs);
}

test('1000 calls of 5 ms give p50 = p99 = 5 ms within HDR precision, in µs', () => {
  const agg = new Aggregator(NAMES);
  for (let i = 0; i < 1000; i++) call(agg, RecordKind.CallOk, GROUP.urban, ACTION.Heartbeat, 5000, 4000, 100 + i);
  const hb = agg.actions().get('Heartbeat');
  assert.ok(hb !== undefined);
  assert.equal(hb.ok, 1000);
  assert.equal(hb.response.totalCount, 1000);
  assertNear(hb.response.getValueAtPercentile(50), 5000, 10, 'response p50 µs');
  assertNear(hb.response.getValueAtPercentile(99), 5000, 10, 'response p99 µs');
  assertNear(hb.service.getValueAtPercentile(50), 4000, 10, 'service p50 µs');
  assertNear(hb.dispatchDelay.getValueAtPercentile(50), 1000, 1, 'dispatch delay p50 µs');
});

test('a spread of values: percentiles land where they were put', () => {
  const agg = new Aggregator(NAMES);
  // 1..10000 µs once each: p50 = 5000 µs, p90 = 9000 µs, p99 = 9900 µs.
  for (let v = 1; v <= 10_000; v++) call(agg, RecordKind.CallOk, 0, ACTION.MeterValues, v, v, 0);
  const mv = agg.actions().get('MeterValues');
  assert.ok(mv !== undefined);
  assertNear(mv.response.getValueAtPercentile(50), 5000, 5, 'p50');
  assertNear(mv.response.getValueAtPercentile(90), 9000, 9, 'p90');
  assertNear(mv.response.getValueAtPercentile(99), 9900, 10, 'p99');
  assertNear(mv.response.maxValue, 10_000, 10, 'max');
});

test('every outcome counts as sent; totals are the sum of the groups', () => {
  const agg = new Aggregator(NAMES);
  const outcomes: Array<[RecordKind, number]> = [
    [RecordKind.CallOk, 7], [RecordKind.CallError, 3], [RecordKind.CallTimeout, 2],
    [RecordKind.CallInvalid, 1], [RecordKind.CallAborted, 4],
  ];
  for (const group of [GROUP.urban, GROUP.highway]) {
    for (const [kind, n] of outcomes) {
      for (let i = 0; i < n; i++) call(agg, kind, group, ACTION.MeterValues, 2000, 1500, 0);
    }
  }
  const total = agg.actions().get('MeterValues');
  assert.ok(total !== undefined);
  assert.deepEqual(
    [total.sent, total.ok, total.callErrors, total.timeouts, total.invalid, total.aborted],
    [34, 14, 6, 4, 2, 8],
  );
  assert.equal(total.response.totalCount, 14, 'only CallOk enters the latency histogram');
  const highway = agg.groups().get('highway')?.get('MeterValues');
  assert.equal(highway?.sent, 17);
  assert.equal(highway?.ok, 7);
  assert.equal(agg.ingested, 34);
  assert.equal(agg.live(1000).calls, 34);
  assert.equal(agg.live(1000).timeouts, 4);
  // A failed call's error (callError, invalidResponse, the connection's end) is an Error record of
  // its own: live errors count those, as summary.json's errors do, not the call records.
  assert.equal(agg.live(1000).errors, 0);
  call(agg, RecordKind.CallNotSent, GROUP.highway, ACTION.MeterValues, 0, 0, 0);
  assert.equal(agg.actions().get('MeterValues')?.sent, 34, 'a call never sent is not sent');
  assert.equal(agg.actions().get('MeterValues')?.neverSent, 1);
  assert.equal(agg.groups().get('highway')?.get('MeterValues')?.neverSent, 1);
});

test('connect, boot, incoming, errors and counters', () => {
  const agg = new Aggregator(NAMES);
  for (let i = 0; i < 10; i++) agg.ingest(packHeader(RecordKind.ConnectOk, 0, 0), 12_000, 0, 0);
  for (let i = 0; i < 3; i++) agg.ingest(packHeader(RecordKind.ConnectFail, 0, ERROR.ECONNREFUSED), 500, 0, 0);
  agg.ingest(packHeader(RecordKind.BootAccepted, 0, 0), 250_000, 0, 0);
  agg.ingest(packHeader(RecordKind.IncomingReceived, 0, ACTION.RemoteStartTransaction), 0, 0, 0);
  agg.ingest(packHeader(RecordKind.IncomingReceived, 0, ACTION.RemoteStartTransaction), 0, 0, 0);
  agg.ingest(packHeader(RecordKind.IncomingAnswered, 0, ACTION.RemoteStartTransaction), 800, 0, 0);
  agg.ingest(packHeader(RecordKind.Error, 0, ERROR.TIMEOUT), 5, 0, 0);
  agg.ingest(packHeader(RecordKind.Counter, 0, COUNTER.reconnects), 2, 0, 0);
  agg.ingest(packHeader(RecordKind.Counter, 0, 99), 1, 0, 0);

  assert.deepEqual(
    { ...agg.connect, latency: undefined, tlsHandshake: undefined, rejectedByStatus: [...agg.connect.rejectedByStatus] },
    { attempts: 13, ok: 10, errors: 3, latency: undefined, tlsHandshake: undefined, rejectedByStatus: [] },
  );
  assert.equal(agg.connect.tlsHandshake.totalCount, 0, 'no TLS record, no TLS sample');
  assertNear(agg.connect.latency.getValueAtPercentile(50), 12_000, 12, 'connect p50 µs');
  assert.equal(agg.boot.accepted, 1);
  assertNear(agg.boot.timeToAccepted.getValueAtPercentile(50), 250_000, 250, 'boot µs');
  assert.deepEqual([...agg.incomingByAction()], [['RemoteStartTransaction', { received: 2, answered: 1, bytesSent: 0, bytesReceived: 0 }]]);
  assert.deepEqual(Object.fromEntries(agg.errors()), { ECONNREFUSED: 3, TIMEOUT: 5 });
  assert.deepEqual(Object.fromEntries(agg.counters()), { reconnects: 2, 'counter#99': 1 });
});

test('out-of-order records land in their own second; a very late one is not lost', () => {
  const agg = new Aggregator(NAMES, { openSeconds: 3 });
  const okAt = (second: number, us: number): void =>
    call(agg, RecordKind.CallOk, 0, ACTION.Heartbeat, us, us, second * 1000 + 500);
  // Seconds 0..5 arrive shuffled within the open window; second 1 gets 10 ms, others 1 ms.
  for (const s of [2, 0, 1, 3, 1, 5, 4]) okAt(s, s === 1 ? 10_000 : 1000);
  call(agg, RecordKind.CallTimeout, 0, ACTION.Heartbeat, 30_000_000, 0, 4999);
  call(agg, RecordKind.CallError, 0, ACTION.Heartbeat, 2000, 2000, 3001);
  // The session writes the CALLERROR's error as its own record, in the same second.
  agg.ingest(packHeader(RecordKind.Error, 0, ERROR.ECONNREFUSED), 1, 0, 3001);
  // Second 20 closes 0..17; a record for second 0 is then late.
  okAt(20, 1000);
  okAt(0, 1000);
  agg.finish();

  const s = agg.seconds;
  assert.equal(s.length, 21);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => s.row(i).calls), [2, 2, 1, 2, 2, 1]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => s.row(i).ok), [2, 2, 1, 1, 1, 1]);
  assert.equal(s.row(3).errors, 1);
  assert.equal(s.row(4).timeouts, 1);
  assert.equal(s.row(10).calls, 0);
  assertNear(s.row(1).p50Us, 10_000, 10, 'second 1 p50');
  assertNear(s.row(2).p99Us, 1000, 1, 'second 2 p99');
  assert.ok(Number.isNaN(s.row(10).p50Us), 'a second without calls has no latency');
  assert.equal(s.lateRecords, 3, 'response, service and group of the late call');
  // Seconds 0..5 and 20, three tags each (the action, its service time, the group), plus the late interval of second 0 (three tags).
  assert.equal(agg.intervals.size, 7 * 3 + 3);
  assert.equal(agg.actions().get('Heartbeat')?.ok, 9);
});

test('live view: calls in the last whole second and p99 so far, in ms', () => {
  const agg = new Aggregator(NAMES);
  for (let i = 0; i < 300; i++) call(agg, RecordKind.CallOk, 0, ACTION.Heartbeat, 20_000, 1000, 1000 + i);
  for (let i = 0; i < 100; i++) call(agg, RecordKind.CallOk, 0, ACTION.Heartbeat, 20_000, 1000, 2000 + i);
  const live = agg.live(2500);
  assert.equal(live.callsPerSec, 300);
  assertNear(live.p99Ms, 20, 0.02, 'p99 ms');
  assert.equal(live.calls, 400);
});

test('gauges: workers add, the coordinator sums per group and in total', () => {
  const sabs = [createGauges(2), createGauges(2)];
  const [a, b] = sabs.map((sab) => new GaugeWriter(sab));
  a.add(GROUP.urban, Gauge.Connected, 10);
  a.add(GROUP.urban, Gauge.Booted, 8);
  a.add(GROUP.highway, Gauge.Connected, 5);
  b.add(GROUP.urban, Gauge.Connected, 3);
  b.add(GROUP.urban, Gauge.Connected, -1);
  b.add(GROUP.highway, Gauge.Charging, 4);
  const sums = sumGauges(sabs, 2);
  assert.deepEqual(sums.groups, [
    { connected: 12, booted: 8, charging: 0 },
    { connected: 5, booted: 0, charging: 4 },
  ]);
  assert.deepEqual(sums.total, { connected: 17, booted: 8, charging: 4 });

  const agg = new Aggregator(NAMES);
  agg.sampleGauges(0, sums);
  assert.equal(agg.seconds.row(0).connected, 17);
  assert.deepEqual(agg.groupGauges().get('highway'), { connected: 5, booted: 0, charging: 4 });
});
