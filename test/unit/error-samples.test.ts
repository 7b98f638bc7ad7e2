import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { mergeErrorSamples } from '../../src/coordinator/run-fleet';
import { Aggregator } from '../../src/metrics/aggregator';
import { createGauges } from '../../src/metrics/gauges';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { createRing } from '../../src/metrics/ring';
import { mergeSummaries, type ShardSummary } from '../../src/report/merge-summary';
import { buildSummary, type RunInfo } from '../../src/report/summary';
import type { WorkerResult } from '../../src/thread/messages';
import { WorkerRuntime } from '../../src/worker/runtime';
import { ERROR, NAMES } from '../helpers/metrics-names';

function runInfo(errorSamples?: Record<string, string>): RunInfo {
  const at = new Date('2026-11-25T10:00:00.000Z');
  return {
    version: '0.1.0', scenario: 's', seed: 1, target: 'ws://127.0.0.1:9000', startedAt: at, endedAt: at, partial: false,
    fleet: { planned: 3, connected: 0, booted: 0, failedToConnect: 3 }, settings: {}, thresholds: [], passed: true, recordsWritten: 0,
    ...(errorSamples === undefined ? {} : { errorSamples }),
  };
}

test('connect.rejectedByStatus counts ConnectFail records by their HTTP status (w2), in status order; absent without one', () => {
  const agg = new Aggregator(NAMES);
  const fail = (status: number): void => agg.ingest(packHeader(RecordKind.ConnectFail, 0, ERROR.ECONNREFUSED), 1000, status, 10);
  for (const status of [409, 401, 401, 403, 401, 0, 404, 0]) fail(status);
  const s = buildSummary(agg, runInfo());
  assert.equal(s.connect.errors, 8);
  assert.deepEqual(s.connect.rejectedByStatus, { 401: 3, 403: 1, 404: 1, 409: 1 }, 'a failure with no status (0) is not a refusal');
  assert.deepEqual(Object.keys(s.connect.rejectedByStatus ?? {}), ['401', '403', '404', '409']);
  const none = new Aggregator(NAMES);
  none.ingest(packHeader(RecordKind.ConnectFail, 0, ERROR.ECONNREFUSED), 1000, 0, 10);
  assert.equal('rejectedByStatus' in buildSummary(none, runInfo()).connect, false);
});

test('summary.json errorSamples: the run info\'s samples by kind name; absent when there are none', () => {
  const agg = new Aggregator(NAMES);
  const s = buildSummary(agg, runInfo({ tlsError: 'b', dnsFailure: 'getaddrinfo ENOTFOUND csms.invalid' }));
  assert.deepEqual(s.errorSamples, { dnsFailure: 'getaddrinfo ENOTFOUND csms.invalid', tlsError: 'b' });
  assert.deepEqual(Object.keys(s.errorSamples ?? {}), ['dnsFailure', 'tlsError']);
  assert.equal('errorSamples' in buildSummary(agg, runInfo({})), false);
  assert.equal('errorSamples' in buildSummary(agg, runInfo()), false);
});

test('a worker keeps the first sample of each kind, one string per kind whatever it meets', () => {
  const rt = new WorkerRuntime('ws://127.0.0.1:9000', { verifyTls: true }, [], createRing(64), createGauges(1));
  assert.equal(rt.wantsErrorSample('closedBeforeBoot'), true);
  for (let i = 0; i < 10_000; i++) {
    rt.errorSample('closedBeforeBoot', `closed ${i}`);
    rt.errorSample('handshakeRejected', `HTTP 401 #${i}`);
  }
  assert.equal(rt.wantsErrorSample('closedBeforeBoot'), false);
  assert.deepEqual([...rt.errorSamples], [['closedBeforeBoot', 'closed 0'], ['handshakeRejected', 'HTTP 401 #0']]);
});

test('the coordinator merges the workers\' samples, the lowest worker index first', () => {
  const result = (workerIndex: number, errorSamples?: Record<string, string>): WorkerResult => ({
    workerIndex, groups: [], recordsWritten: 0, undelivered: 0, ...(errorSamples === undefined ? {} : { errorSamples }),
  });
  const merged = mergeErrorSamples([
    result(2, { tlsError: 'w2 tls', other: 'w2 other' }),
    result(0, { handshakeRejected: 'w0 401' }),
    result(1, { handshakeRejected: 'w1 403', tlsError: 'w1 tls' }),
    result(3),
  ]);
  assert.deepEqual(merged, { handshakeRejected: 'w0 401', tlsError: 'w1 tls', other: 'w2 other' });
});

test('merge: rejectedByStatus added over shards, each kind\'s sample from the first shard that has one', () => {
  const zero = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const start = Date.parse('2026-11-25T10:00:00.000Z');
  const shard = (dir: string, offset: number, rejectedByStatus: Record<string, number> | undefined, errorSamples: Record<string, string> | undefined): ShardSummary => ({
    dir,
    startMs: start + offset,
    summary: {
      tool: 'ocpp-fleet', version: '0.1.0', scenario: 's', seed: 1, target: 't',
      startedAt: new Date(start + offset).toISOString(), endedAt: new Date(start + offset + 10_000).toISOString(), durationMs: 10_000, partial: false,
      fleet: { planned: 2, connected: 0, booted: 0, failedToConnect: 2 }, actions: {}, incoming: {},
      connect: { attempts: 5, ok: 0, errors: 5, latencyMs: zero, ...(rejectedByStatus === undefined ? {} : { rejectedByStatus }) },
      boot: { accepted: 0, timeToAcceptedMs: zero }, errors: { handshakeRejected: 5 }, counters: {}, groups: {}, thresholds: [], passed: true,
      pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {}, ...(errorSamples === undefined ? {} : { errorSamples }),
    },
  });
  const merged = mergeSummaries(
    [
      shard('a', 0, { 401: 3, 409: 2 }, { handshakeRejected: 'a: HTTP 401' }),
      shard('b', 100, undefined, undefined),
      shard('c', 200, { 401: 1, 403: 4 }, { handshakeRejected: 'c: HTTP 403', tlsError: 'c: tls' }),
    ],
    new Map(),
  );
  assert.deepEqual(merged.connect.rejectedByStatus, { 401: 4, 403: 4, 409: 2 });
  assert.deepEqual(merged.errorSamples, { handshakeRejected: 'a: HTTP 401', tlsError: 'c: tls' });
  assert.equal('rejectedByStatus' in mergeSummaries([shard('b', 0, undefined, undefined)], new Map()).connect, false);
});
