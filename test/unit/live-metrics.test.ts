import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { fleetRegistry, serveMetrics } from '../../src/coordinator/live-metrics';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS, errorKindCode } from '../../src/ocpp';
import { COUNTER_NAMES } from '../../src/station/counters';

function aggregatorWithCalls(): Aggregator {
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['old', 'new'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const hb = actionCode('Heartbeat');
  // 90 heartbeats of 2 ms and 10 of 200 ms in group 0; one CALLERROR; one timeout in group 1.
  for (let i = 0; i < 90; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 2000, 1500, 10);
  for (let i = 0; i < 10; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 200_000, 150_000, 10);
  agg.ingest(packHeader(RecordKind.CallError, 0, hb), 3000, 3000, 10);
  agg.ingest(packHeader(RecordKind.CallTimeout, 1, hb), 30_000_000, 30_000_000, 10);
  agg.ingest(packHeader(RecordKind.Error, 1, errorKindCode('connectionLost')), 2, 0, 10);
  // A heartbeat of group 1 that never went on the wire (reason 0: connectionClosed).
  agg.ingest(packHeader(RecordKind.CallNotSent, 1, hb), 0, 0, 10);
  return agg;
}

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  assert.ok(line, `${name}{${labels}} in\n${text.slice(0, 2000)}`);
  return Number(line.split(' ').pop());
}

test('Prometheus histograms come from the HDR histograms: cumulative buckets in seconds, sum and count', async () => {
  const text = await fleetRegistry(aggregatorWithCalls(), () => undefined, ['old', 'new']).metrics();
  const labels = (le: string): string => `action="Heartbeat",group="old",le="${le}"`;
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_bucket', labels('0.001')), 0);
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_bucket', labels('0.0025')), 90);
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_bucket', labels('0.1')), 90);
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_bucket', labels('0.25')), 100);
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_bucket', labels('+Inf')), 100);
  assert.equal(sample(text, 'ocpp_fleet_call_duration_seconds_count', 'action="Heartbeat",group="old"'), 100);
  // 90 × 2 ms + 10 × 200 ms = 2.18 s, within HDR's 3 significant digits.
  assert.ok(Math.abs(sample(text, 'ocpp_fleet_call_duration_seconds_sum', 'action="Heartbeat",group="old"') - 2.18) < 0.005);
  assert.match(text, /# TYPE ocpp_fleet_call_duration_seconds histogram/);
});

test('counters by outcome and error kind; no label names a charge point', async () => {
  const text = await fleetRegistry(aggregatorWithCalls(), () => undefined, ['old', 'new']).metrics();
  assert.equal(sample(text, 'ocpp_fleet_calls_total', 'action="Heartbeat",group="old",outcome="ok"'), 100);
  assert.equal(sample(text, 'ocpp_fleet_calls_total', 'action="Heartbeat",group="old",outcome="callError"'), 1);
  assert.equal(sample(text, 'ocpp_fleet_calls_total', 'action="Heartbeat",group="new",outcome="timeout"'), 1);
  assert.equal(sample(text, 'ocpp_fleet_errors_total', 'kind="connectionLost"'), 2);
  assert.equal(sample(text, 'ocpp_fleet_calls_total', 'action="Heartbeat",group="new",outcome="neverSent"'), 1);
  assert.equal(sample(text, 'ocpp_fleet_errors_total', 'kind="neverSent"'), 1);
  const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
  assert.deepEqual([...labelNames].sort(), ['action', 'group', 'kind', 'le', 'outcome']);
});

test('served over HTTP on /metrics, with station gauges per group', async () => {
  const gauges = {
    total: { connected: 3, booted: 2, charging: 1 },
    groups: [
      { connected: 2, booted: 2, charging: 1 },
      { connected: 1, booted: 0, charging: 0 },
    ],
  };
  const server = await serveMetrics(fleetRegistry(aggregatorWithCalls(), () => gauges, ['old', 'new']), 0, '127.0.0.1');
  try {
    const text = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/metrics' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
      }).on('error', reject).end();
    });
    assert.equal(sample(text, 'ocpp_fleet_stations', 'group="old",state="booted"'), 2);
    assert.equal(sample(text, 'ocpp_fleet_stations', 'group="new",state="connected"'), 1);
  } finally {
    await server.close();
  }
});
