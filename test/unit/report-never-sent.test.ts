import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS, errorKindCode, NeverSent, NEVER_SENT_REASONS, type ErrorKind } from '../../src/ocpp';
import { compareRuns } from '../../src/report/compare';
import { mergeSummaries } from '../../src/report/merge-summary';
import { buildSummary, type Summary } from '../../src/report/summary';
import { COUNTER_NAMES, counterCode, type CounterName } from '../../src/station/counters';

/**
 * Every count true, from records to summary.json: a call that never went on the wire is counted
 * apart from `sent`, by reason, and under `errors`; the per-second series and the summary agree
 * (the issue saw 1,747 errors per second and `errors: {}`); each group keeps its own errors and
 * transactions; merge adds the new fields; compare counts a call never sent as a failed one; the
 * bytes add up from the workers' sums to the run, its groups and a merge.
 */

const GROUPS = ['old', 'new'];
const NAMES = { actionNames: ACTION_NAMES, groupNames: GROUPS, errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES };
const SN = actionCode('StatusNotification');
const STOP = actionCode('StopTransaction');

function put(agg: Aggregator, kind: RecordKind, group: number, code: number, w1: number, atMs: number): void {
  agg.ingest(packHeader(kind, group, code), w1, w1 > 0 && kind === RecordKind.CallOk ? w1 : 0, atMs);
}
const error = (agg: Aggregator, group: number, kind: ErrorKind, atMs: number): void => put(agg, RecordKind.Error, group, errorKindCode(kind), 1, atMs);
const count = (agg: Aggregator, group: number, name: CounterName, n: number): void => put(agg, RecordKind.Counter, group, counterCode(name), n, 500);

/** A run as the session and the stations write it: each failed call with its error record. */
function run(): Aggregator {
  const agg = new Aggregator(NAMES);
  for (let s = 0; s < 4; s++) {
    for (let i = 0; i < 10; i++) put(agg, RecordKind.CallOk, s % 2, SN, 2000, s * 1000 + i);
    put(agg, RecordKind.CallError, 0, STOP, 3000, s * 1000 + 100);
    error(agg, 0, 'callError', s * 1000 + 100);
    put(agg, RecordKind.CallTimeout, 1, SN, 30_000_000, s * 1000 + 200);
    error(agg, 1, 'timeout', s * 1000 + 200);
  }
  // A socket the CSMS closed: the outstanding call aborted, its connection lost; two calls never left.
  put(agg, RecordKind.CallAborted, 1, STOP, 0, 2500);
  error(agg, 1, 'connectionLost', 2500);
  put(agg, RecordKind.CallNotSent, 1, SN, NeverSent.ConnectionClosed, 2500);
  put(agg, RecordKind.CallNotSent, 0, STOP, NeverSent.RunEnded, 3900);
  put(agg, RecordKind.ConnectFail, 1, errorKindCode('connectRefused'), 100, 3000);
  count(agg, 0, 'transactionsStarted', 7);
  count(agg, 0, 'transactionsStopped', 7);
  count(agg, 0, 'stopsAcknowledged', 6);
  count(agg, 1, 'transactionsStarted', 3);
  count(agg, 1, 'transactionsStopped', 3);
  count(agg, 1, 'stopsAcknowledged', 3);
  agg.finish();
  return agg;
}

function summaryOf(agg: Aggregator, groupFleet?: Record<string, Record<string, number>>): Summary {
  return buildSummary(agg, {
    version: 't', scenario: 's', seed: 1, target: 'ws://x', startedAt: new Date(0), endedAt: new Date(4000), partial: false,
    fleet: { planned: 2, connected: 2, booted: 2, failedToConnect: 0 }, settings: {}, thresholds: [], passed: true, recordsWritten: agg.ingested,
    ...(groupFleet === undefined ? {} : { groupFleet }),
  });
}

test('a call never sent: not in sent, under actions.<A>.neverSent, neverSent by reason and errors.neverSent', () => {
  const s = summaryOf(run());
  assert.deepEqual(NEVER_SENT_REASONS, ['connectionClosed', 'invalidPayload', 'runEnded', 'noTransactionId', 'faultCut']);
  assert.deepEqual([s.actions.StatusNotification?.sent, s.actions.StatusNotification?.neverSent], [44, 1]);
  assert.deepEqual([s.actions.StopTransaction?.sent, s.actions.StopTransaction?.aborted, s.actions.StopTransaction?.neverSent], [5, 1, 1]);
  assert.deepEqual(s.neverSent, { connectionClosed: 1, runEnded: 1 });
  assert.deepEqual(s.errors, { callError: 4, connectRefused: 1, connectionLost: 1, neverSent: 2, timeout: 4 });
  assert.equal(s.groups.new?.actions.StatusNotification?.neverSent, 1);
});

test('the per-second series and the summary agree: errors + timeouts per second add up to summary.errors', () => {
  const agg = run();
  const s = summaryOf(agg);
  const rows = Array.from({ length: agg.seconds.length }, (_, i) => agg.seconds.row(i));
  const sum = (k: 'errors' | 'timeouts' | 'calls'): number => rows.reduce((n, r) => n + r[k], 0);
  assert.equal(sum('errors') + sum('timeouts'), Object.values(s.errors).reduce((n, v) => n + v, 0));
  // A callError each second; second 2 adds connectionLost and a neverSent, second 3 connectRefused and a neverSent.
  assert.deepEqual(rows.map((r) => r.errors), [1, 1, 3, 3]);
  assert.deepEqual(rows.map((r) => r.timeouts), [1, 1, 1, 1]);
  assert.equal(sum('calls'), 44 + 5, 'calls that went on the wire, never the ones that did not');
  const live = agg.live(4000);
  assert.deepEqual([live.errors, live.timeouts, live.calls], [8, 4, 49], 'the live line counts as the summary does');
});

test('each group keeps its own errors and transactions; a planned group that never connected is listed', () => {
  const s = summaryOf(run(), { old: { planned: 1 }, new: { planned: 1 }, idle: { planned: 5, connected: 0 } });
  assert.deepEqual(s.groups.old?.errors, { callError: 4, neverSent: 1 });
  assert.deepEqual(s.groups.new?.errors, { connectRefused: 1, connectionLost: 1, neverSent: 1, timeout: 4 });
  assert.deepEqual(s.groups.old?.transactions, { started: 7, stopped: 7, stopAcknowledged: 6, openAtEnd: 1 });
  assert.deepEqual(s.groups.new?.transactions, { started: 3, stopped: 3, stopAcknowledged: 3, openAtEnd: 0 });
  assert.deepEqual(s.transactions, { started: 10, stopped: 10, stopAcknowledged: 9, openAtEnd: 1 });
  const none = { sent: 0, received: 0 };
  assert.deepEqual(s.groups.idle, {
    fleet: { planned: 5, connected: 0 },
    actions: {},
    errors: {},
    transactions: { started: 0, stopped: 0, stopAcknowledged: 0, openAtEnd: 0 },
    bytes: { ...none, wire: none, perStationPerDay: { sent: 0, received: 0, wireSent: 0, wireReceived: 0 } },
  });
});

test('merge adds neverSent (per action, by reason), transactions and each group\'s errors', () => {
  const one = summaryOf(run());
  const shard = (dir: string): { dir: string; summary: Summary; startMs: number } => ({ dir, summary: structuredClone(one), startMs: 0 });
  const m = mergeSummaries([shard('a'), shard('b')], new Map());
  assert.equal(m.actions.StatusNotification?.neverSent, 2);
  assert.deepEqual(m.neverSent, { connectionClosed: 2, runEnded: 2 });
  assert.equal(m.errors.neverSent, 4);
  assert.deepEqual(m.transactions, { started: 20, stopped: 20, stopAcknowledged: 18, openAtEnd: 2 });
  assert.deepEqual(m.groups.new?.errors, { connectRefused: 2, connectionLost: 2, neverSent: 2, timeout: 8 });
  assert.deepEqual(m.groups.old?.transactions, { started: 14, stopped: 14, stopAcknowledged: 12, openAtEnd: 2 });
  // A shard written before these fields existed adds nothing and breaks nothing.
  const old = structuredClone(one);
  delete old.transactions;
  delete old.neverSent;
  for (const a of Object.values(old.actions)) delete a.neverSent;
  const mixed = mergeSummaries([shard('a'), { dir: 'old', summary: old, startMs: 0 }], new Map());
  assert.equal(mixed.actions.StatusNotification?.neverSent, 1);
  assert.deepEqual(mixed.transactions, { started: 10, stopped: 10, stopAcknowledged: 9, openAtEnd: 1 });
});

test('compare takes a call never sent as a failed call in the error rate', () => {
  const base = summaryOf(run());
  const cand = structuredClone(base);
  const sn = cand.actions.StatusNotification as NonNullable<Summary['actions'][string]>;
  sn.neverSent = 40;
  const rows = compareRuns({ label: 'a', summary: base, perSecond: undefined }, { label: 'b', summary: cand, perSecond: undefined }).rows.filter((r) => r.action === 'StatusNotification' && r.metric === 'errors');
  assert.equal(rows.length, 1);
  // Baseline: 4 timeouts + 1 never sent of 45 calls; candidate: 4 + 40 of 84.
  assert.ok(Math.abs((rows[0]?.baseline ?? 0) - (5 / 45) * 100) < 1e-9, `baseline ${rows[0]?.baseline}`);
  assert.ok(Math.abs((rows[0]?.candidate ?? 0) - (44 / 84) * 100) < 1e-9, `candidate ${rows[0]?.candidate}`);
  assert.equal(rows[0]?.verdict, 'regression');
});

test('bytes: per action and group as the workers summed them, the wire per group, per station per day; merge adds them up', () => {
  const agg = new Aggregator(NAMES);
  put(agg, RecordKind.CallOk, 0, SN, 2000, 100);
  agg.ingest(packHeader(RecordKind.Bytes, 0, SN), 300, 120, 900);
  agg.ingest(packHeader(RecordKind.Bytes, 1, STOP), 500, 80, 1900);
  agg.ingest(packHeader(RecordKind.IncomingBytes, 1, actionCode('Reset')), 40, 60, 1900);
  agg.ingest(packHeader(RecordKind.WireBytes, 0, 0), 2000, 900, 3000);
  agg.ingest(packHeader(RecordKind.WireBytes, 1, 0), 1000, 300, 3000);
  agg.finish();
  const s = summaryOf(agg, { old: { planned: 1 }, new: { planned: 1 } });
  assert.deepEqual(s.actions.StatusNotification?.bytes, { sent: 300, received: 120 });
  assert.deepEqual(s.incoming.Reset?.bytes, { sent: 40, received: 60 });
  // 4 s for 2 stations: a day is 21,600 times as long, per station half of it.
  assert.deepEqual(s.bytes, { sent: 840, received: 260, wire: { sent: 3000, received: 1200 }, perStationPerDay: { sent: 9_072_000, received: 2_808_000, wireSent: 32_400_000, wireReceived: 12_960_000 } });
  assert.deepEqual(s.groups.new?.bytes?.wire, { sent: 1000, received: 300 });
  assert.equal(s.groups.new?.bytes?.sent, 540);
  const m = mergeSummaries([{ dir: 'a', summary: structuredClone(s), startMs: 0 }, { dir: 'b', summary: structuredClone(s), startMs: 0 }], new Map());
  assert.deepEqual([m.bytes?.sent, m.bytes?.wire.sent, m.actions.StatusNotification?.bytes?.sent, m.incoming.Reset?.bytes?.received, m.groups.old?.bytes?.wire.received], [1680, 6000, 600, 120, 1800]);
  // Twice the bytes over twice the stations: the same per station per day.
  assert.equal(m.bytes?.perStationPerDay.wireSent, s.bytes?.perStationPerDay.wireSent);
});
