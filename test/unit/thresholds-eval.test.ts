import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../../src/metrics/aggregator';
import { RecordKind, packHeader } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS, errorKindCode } from '../../src/ocpp';
import { parseThreshold, type ThresholdResult } from '../../src/report/thresholds';
import { abortingThreshold, evaluateThresholds } from '../../src/report/thresholds-eval';
import { formatThresholds } from '../../src/report/thresholds-format';
import { thresholdNames } from '../helpers/threshold-names';
import { COUNTER_NAMES, counterCode } from '../../src/station/counters';

const GROUPS = ['urban', 'eu.west'];
const NAMES = thresholdNames(GROUPS);

/**
 * 1000 Heartbeats in group urban at 1..1000 ms (service time half of it), 100 in eu.west at 5 s,
 * 10 MeterValues timeouts and 5 CALLERRORs in urban, connects, boots, error kinds and counters.
 */
function filled(): Aggregator {
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: GROUPS, errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const hb = actionCode('Heartbeat');
  const mv = actionCode('MeterValues');
  for (let i = 1; i <= 1000; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), i * 1000, i * 500, i);
  for (let i = 0; i < 100; i++) agg.ingest(packHeader(RecordKind.CallOk, 1, hb), 5_000_000, 4_000_000, i);
  for (let i = 0; i < 10; i++) agg.ingest(packHeader(RecordKind.CallTimeout, 0, mv), 0, 0, i);
  for (let i = 0; i < 5; i++) agg.ingest(packHeader(RecordKind.CallError, 0, mv), 0, 0, i);
  for (let i = 0; i < 9; i++) agg.ingest(packHeader(RecordKind.ConnectOk, 0, 0), 2000, 0, 1);
  agg.ingest(packHeader(RecordKind.ConnectFail, 0, errorKindCode('connectRefused')), 100, 0, 1);
  agg.ingest(packHeader(RecordKind.BootAccepted, 0, 0), 40_000, 0, 2);
  agg.ingest(packHeader(RecordKind.Error, 0, errorKindCode('connectionLost')), 3, 0, 3);
  agg.ingest(packHeader(RecordKind.Counter, 0, counterCode('reconnects')), 2, 0, 3);
  return agg;
}

function evaluate(agg: Aggregator, texts: string[], elapsedMs = 10_000): ThresholdResult[] {
  return evaluateThresholds(texts.map((t) => parseThreshold(t, NAMES, { source: 'test' })), { aggregator: agg, elapsedMs });
}

function value(agg: Aggregator, text: string, elapsedMs?: number): number | null {
  return (evaluate(agg, [text], elapsedMs)[0] as ThresholdResult).value;
}

test('time statistics come from the histograms: exact to HDR precision, in ms', () => {
  const agg = filled();
  // urban: 1..1000 ms; eu.west: 100 × 5000 ms. Over both groups p50 of 1100 values is the 550th.
  const near = (v: number | null, expected: number): void => assert.ok(v !== null && Math.abs(v - expected) <= expected * 0.001 + 0.001, `${v} ≠ ${expected}`);
  near(value(agg, 'group:urban.Heartbeat.p50 < 1'), 500);
  near(value(agg, 'group:urban.Heartbeat.p99 < 1'), 990);
  near(value(agg, 'group:urban.Heartbeat.service.p99 < 1'), 495);
  near(value(agg, 'Heartbeat.p50 < 1'), 550);
  near(value(agg, 'Heartbeat.max < 1'), 5000);
  near(value(agg, 'group:eu.west.Heartbeat.min < 1'), 5000);
  near(value(agg, 'group:urban.Heartbeat.min < 1'), 1);
  near(value(agg, 'group:urban.Heartbeat.mean < 1'), 500.5);
  near(value(agg, 'connect.p99 < 1'), 2);
  near(value(agg, 'boot.max < 1'), 40);
});

test('counts, shares and rates come from exact counts', () => {
  const agg = filled();
  assert.equal(value(agg, 'calls.count > 1'), 1115);
  assert.equal(value(agg, 'calls.rate > 1', 10_000), 111.5);
  assert.equal(value(agg, 'timeouts.count == 0'), 10);
  // 15 failed of 1115 calls (timeouts count as failures).
  assert.equal(value(agg, 'errors.rate < 1%'), Number(((15 / 1115) * 100).toPrecision(6)));
  assert.equal(value(agg, 'MeterValues.errors.rate < 1%'), 100);
  assert.equal(value(agg, 'MeterValues.timeouts.count < 1'), 10);
  assert.equal(value(agg, 'group:eu.west.errors.count < 1'), 0);
  assert.equal(value(agg, 'connect.count > 1'), 10);
  assert.equal(value(agg, 'connect.errors.rate < 1%'), 10);
  assert.equal(value(agg, 'boot.count > 1'), 1);
  assert.equal(value(agg, 'errors.connectionLost.count == 0'), 3);
  assert.equal(value(agg, 'errors.tlsError.count == 0'), 0);
  assert.equal(value(agg, 'counters.reconnects.count < 1'), 2);
});

test('verdicts: pass, fail, and "no samples" for a metric nothing was measured for', () => {
  const agg = filled();
  const r = evaluate(agg, ['group:urban.Heartbeat.p99 < 1s', 'Heartbeat.p99 < 800ms', 'StartTransaction.p95 < 300ms', 'StartTransaction.errors.rate < 1%', 'timeouts.count == 10', 'StartTransaction.count == 0']);
  assert.deepEqual(r.map((x) => x.verdict), ['pass', 'fail', 'no samples', 'no samples', 'pass', 'pass']);
  assert.equal(r[2]?.value, null);
  assert.equal(r[2]?.samples, 0);
  assert.equal(r[0]?.samples, 1000);
  assert.deepEqual(
    { threshold: r[1]?.threshold, metric: r[1]?.metric, operator: r[1]?.operator, limit: r[1]?.limit, unit: r[1]?.unit, source: r[1]?.source },
    { threshold: 'Heartbeat.p99 < 800ms', metric: 'Heartbeat.p99', operator: '<', limit: 800, unit: 'ms', source: 'test' },
  );
  const table = formatThresholds(r);
  assert.match(table, /^thresholds: 3 of 6 failed\n/);
  assert.match(table, /✗ Heartbeat\.p99 < 800ms\s+5000 ms\s+FAIL/);
  assert.match(table, /✗ StartTransaction\.p95 < 300ms\s+no samples\s+NO SAMPLES/);
});

test('abortOnFail: only failing thresholds past their grace period abort; no samples never does', () => {
  const agg = filled();
  const t = (text: string): ReturnType<typeof parseThreshold> => parseThreshold(text, NAMES, { source: 'test' });
  const list = [t('Heartbeat.p99 < 800ms'), t('StartTransaction.p99 < 1ms abortOnFail'), t('timeouts.count == 0 abortOnFail(20s)'), t('errors.rate < 0.1% abortOnFail(5s)')];
  assert.equal(abortingThreshold(list, { aggregator: agg, elapsedMs: 4000 }), undefined);
  const errors = abortingThreshold(list, { aggregator: agg, elapsedMs: 5000 });
  assert.equal(errors?.index, 3);
  assert.equal(errors?.result.threshold, 'errors.rate < 0.1% abortOnFail(5s)');
  assert.equal(errors?.result.verdict, 'fail');
  assert.equal(errors?.result.abortedRun, true);
  assert.equal(abortingThreshold(list.slice(0, 3), { aggregator: agg, elapsedMs: 19_999 }), undefined);
  assert.equal(abortingThreshold(list.slice(0, 3), { aggregator: agg, elapsedMs: 20_000 })?.index, 2);
});

test('a call that never went on the wire is a failed call: errors count it, and rates are shares of the calls made', () => {
  const agg = filled();
  const hb = actionCode('Heartbeat');
  // Five heartbeats of urban never sent (reason 2: runEnded).
  for (let i = 0; i < 5; i++) agg.ingest(packHeader(RecordKind.CallNotSent, 0, hb), 2, 0, 10);
  assert.equal(value(agg, 'calls.count > 1'), 1115, '`calls` counts what went on the wire');
  assert.equal(value(agg, 'errors.count < 1'), 20);
  assert.equal(value(agg, 'errors.rate < 1%'), Number(((20 / 1120) * 100).toPrecision(6)));
  assert.equal(value(agg, 'group:urban.Heartbeat.errors.count < 1'), 5);
});
