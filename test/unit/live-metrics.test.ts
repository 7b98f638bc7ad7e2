import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { fleetRegistry, serveMetrics } from '../../src/coordinator/live-metrics';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS, errorKindCode } from '../../src/ocpp';
import { COUNTER_NAMES } from '../../src/station/counters';
import { REPO_ROOT } from '../helpers/fleet-cli';

function aggregatorWithCalls(): Aggregator {
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['old', 'new'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const hb = actionCode('Heartbeat');
  // 90 heartbeats of 2 ms and 10 of 200 ms in group 0; one CALLERROR; one timeout in group 1.
  for (let i = 0; i < 90; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 2000, 1500, 10);
  for (let i = 0; i < 10; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 200_000, 150_000, 10);
  agg.ingest(packHeader(RecordKind.CallError, 0, hb), 3000, 3000, 10);
  agg.ingest(packHeader(RecordKind.CallTimeout, 1, hb), 30_000_000, 30_000_000, 10);
  agg.ingest(packHeader(RecordKind.Error, 1, errorKindCode('connectionLost')), 2, 0, 10);
  agg.ingest(packHeader(RecordKind.Bytes, 0, hb), 2300, 5100, 10);
  agg.ingest(packHeader(RecordKind.IncomingBytes, 1, actionCode('Reset')), 40, 65, 10);
  agg.ingest(packHeader(RecordKind.WireBytes, 1, 0), 1900, 700, 10);
  // A heartbeat of group 1 that never went on the wire (reason 0: connectionClosed).
  agg.ingest(packHeader(RecordKind.CallNotSent, 1, hb), 0, 0, 10);
  // OCPP 2.1 SENDs of group 1: three written (146 bytes each), one dropped offline.
  const stream = actionCode('NotifyPeriodicEventStream');
  for (let i = 0; i < 3; i++) agg.ingest(packHeader(RecordKind.Send, 1, stream), 1, 146, 10);
  agg.ingest(packHeader(RecordKind.Send, 1, stream), 2, 0, 10);
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
  // Frame bytes as the worker summed them, station-initiated per group, CSMS-initiated per action.
  assert.equal(sample(text, 'ocpp_fleet_frame_bytes_total', 'action="Heartbeat",group="old",initiator="station",direction="sent"'), 2300);
  assert.equal(sample(text, 'ocpp_fleet_frame_bytes_total', 'action="Heartbeat",group="old",initiator="station",direction="received"'), 5100);
  assert.equal(sample(text, 'ocpp_fleet_frame_bytes_total', 'action="Reset",initiator="csms",direction="sent"'), 40);
  assert.equal(sample(text, 'ocpp_fleet_wire_bytes_total', 'group="new",direction="received"'), 700);
  assert.equal(sample(text, 'ocpp_fleet_sends_total', 'action="NotifyPeriodicEventStream",group="new",outcome="sent"'), 3);
  assert.equal(sample(text, 'ocpp_fleet_sends_total', 'action="NotifyPeriodicEventStream",group="new",outcome="dropped"'), 1);
  assert.equal(sample(text, 'ocpp_fleet_sends_total', 'action="NotifyPeriodicEventStream",group="new",outcome="received"'), 0);
  const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
  assert.deepEqual([...labelNames].sort(), ['action', 'direction', 'group', 'initiator', 'kind', 'le', 'outcome']);
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

test('every error kind is exported from the first scrape, at 0 until it happens; buckets start at 0.1 ms; charging sessions apart from stations', async () => {
  const empty = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['old'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const gauges = { total: { connected: 2, booted: 2, charging: 3 }, groups: [{ connected: 2, booted: 2, charging: 3 }] };
  const text = await fleetRegistry(empty, () => gauges, ['old']).metrics();
  for (const kind of ERROR_KINDS) assert.equal(sample(text, 'ocpp_fleet_errors_total', `kind="${kind}"`), 0, kind);
  assert.equal(sample(text, 'ocpp_fleet_connect_duration_seconds_bucket', 'le="0.0001"'), 0);
  // Two stations charging on three connectors: the sessions are their own gauge, never a station state above `connected`.
  assert.equal(sample(text, 'ocpp_fleet_charging_sessions', 'group="old"'), 3);
  assert.doesNotMatch(text, /ocpp_fleet_stations\{[^}]*state="charging"/);
  const calls = await fleetRegistry(aggregatorWithCalls(), () => undefined, ['old', 'new']).metrics();
  assert.equal(sample(calls, 'ocpp_fleet_call_duration_seconds_bucket', 'action="Heartbeat",group="old",le="0.0025"'), 90);
  assert.equal(sample(calls, 'ocpp_fleet_errors_total', 'kind="connectionLost"'), 2);
});

/** Metric name → the label names its series carry, from the exposition text. */
function exported(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) out.set(type[1] as string, new Set(type[2] === 'histogram' ? ['le'] : []));
    const series = /^(\w+?)(?:_bucket|_sum|_count)?\{([^}]*)\}/.exec(line);
    const labels = series?.[2]?.match(/(\w+)=/g)?.map((l) => l.slice(0, -1)) ?? [];
    if (series && out.has(series[1] as string)) for (const l of labels) out.get(series[1] as string)?.add(l);
  }
  return out;
}

test('deploy/grafana/ocpp-fleet.json queries only metrics and labels the fleet exports', async () => {
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'grafana', 'ocpp-fleet.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const gauges = { total: { connected: 1, booted: 1, charging: 1 }, groups: [{ connected: 1, booted: 1, charging: 1 }, { connected: 0, booted: 0, charging: 0 }] };
  // A series of every metric, so that each metric's labels show: a CSMS-initiated call and an event too.
  const agg = aggregatorWithCalls();
  agg.ingest(packHeader(RecordKind.IncomingReceived, 0, actionCode('RemoteStartTransaction')), 0, 0, 10);
  agg.ingest(packHeader(RecordKind.Counter, 0, COUNTER_NAMES.indexOf('reconnects')), 1, 0, 10);
  agg.ingest(packHeader(RecordKind.WireBytes, 0, 0), 2400, 800, 10);
  const registry = fleetRegistry(agg, () => gauges, ['old', 'new']);
  const metrics = exported(await registry.metrics());
  assert.ok(metrics.size >= 8, [...metrics.keys()].join(' '));
  const used = new Set<string>();
  const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const)), ...dashboard.templating.list.filter((v) => v.definition).map((v) => [v.name, v.definition as string] as const)];
  assert.ok(queries.length >= 10);
  for (const [title, expr] of queries) {
    const names = [...expr.matchAll(/\b(ocpp_fleet_\w+?)(?:_bucket|_sum|_count)?\b(?=[{[\s,)])/g)].map((m) => m[1] as string);
    assert.ok(names.length > 0, `${title}: ${expr}`);
    const labels = [
      ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => (m[1] as string).split(',').map((l) => l.trim())),
      ...[...expr.matchAll(/[{,](\w+)(?:=~|!=|=)"/g)].map((m) => m[1] as string),
      ...[...expr.matchAll(/label_values\(\w+, (\w+)\)/g)].map((m) => m[1] as string),
    ];
    for (const name of names) {
      used.add(name);
      const has = metrics.get(name);
      assert.ok(has, `${title}: ${name} is not exported (exported: ${[...metrics.keys()].join(', ')})`);
      for (const label of labels) assert.ok(has.has(label), `${title}: ${name} has no label ${label} (it has ${[...has].join(', ')})`);
    }
  }
  // The dashboard shows every metric the fleet exports.
  assert.deepEqual([...metrics.keys()].filter((m) => !used.has(m)), []);
});
