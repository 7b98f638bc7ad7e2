import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsOf, ERROR_KINDS } from '../../src/ocpp';
import { parseThreshold, type Threshold } from '../../src/report/thresholds';
import { ThresholdError, type MetricNames } from '../../src/report/thresholds-names';
import { COUNTER_NAMES } from '../../src/station/counters';

const v16 = actionsOf('1.6');
const v201 = actionsOf('2.0.1');
const STATION = [...new Set([...v16.station, ...v201.station])];
const NAMES: MetricNames = {
  stationActions: STATION,
  csmsActions: [...new Set([...v16.csms, ...v201.csms])].filter((a) => !STATION.includes(a)),
  errorKinds: ERROR_KINDS,
  counters: COUNTER_NAMES,
  groups: ['acquired', 'eu.west', 'eu'],
};

function parse(text: string): Threshold {
  return parseThreshold(text, NAMES, { source: '--threshold' });
}

function error(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ThresholdError, `expected a ThresholdError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail(`"${text}" was accepted`);
}

test('the examples of the issue parse into metric, statistic, operator and a limit in the metric unit', () => {
  const cases: Array<[string, string, string, number, string]> = [
    ['BootNotification.p99 < 800ms', 'BootNotification.p99', '<', 800, 'ms'],
    ['StartTransaction.p95 < 300ms', 'StartTransaction.p95', '<', 300, 'ms'],
    ['connect.p99 < 2s', 'connect.p99', '<', 2000, 'ms'],
    ['errors.rate < 0.1%', 'errors.rate', '<', 0.1, '%'],
    ['timeouts.count == 0', 'timeouts.count', '==', 0, 'count'],
    ['calls.rate > 2000/s', 'calls.rate', '>', 2000, '/s'],
    ['group:acquired.BootNotification.p99 < 1s', 'group:acquired.BootNotification.p99', '<', 1000, 'ms'],
    ['Heartbeat.service.p99 <= 5', 'Heartbeat.service.p99', '<=', 5, 'ms'],
    ['boot.p99 < 10s', 'boot.p99', '<', 10_000, 'ms'],
    ['errors.connectionLost.count != 3', 'errors.connectionLost.count', '!=', 3, 'count'],
    ['counters.reconnects.count >= 1', 'counters.reconnects.count', '>=', 1, 'count'],
    ['TransactionEvent.p99.9 < 250us', 'TransactionEvent.p99.9', '<', 0.25, 'ms'],
    ['MeterValues.p(95)<1s', 'MeterValues.p95', '<', 1000, 'ms'],
    ['Heartbeat.avg < 3', 'Heartbeat.mean', '<', 3, 'ms'],
    ['Heartbeat.med < 3', 'Heartbeat.p50', '<', 3, 'ms'],
    ['errors.rate < 0.001', 'errors.rate', '<', 0.1, '%'],
    ['calls.rate > 600/m', 'calls.rate', '>', 10, '/s'],
    ['connect.errors.rate < 5%', 'connect.errors.rate', '<', 5, '%'],
    ['Authorize.timeouts.rate < 1%', 'Authorize.timeouts.rate', '<', 1, '%'],
    ['group:eu.west.calls.count > 10', 'group:eu.west.calls.count', '>', 10, 'count'],
    ['group:eu.Heartbeat.max < 1s', 'group:eu.Heartbeat.max', '<', 1000, 'ms'],
  ];
  for (const [text, metric, operator, limit, unit] of cases) {
    const t = parse(text);
    assert.equal(t.metric, metric, text);
    assert.equal(t.operator, operator, text);
    assert.ok(Math.abs(t.limit - limit) < 1e-9, `${text}: limit ${t.limit}`);
    assert.equal(t.unit, unit, text);
    assert.equal(t.text, text.trim());
    assert.equal(t.abortOnFail, false);
  }
});

test('a metric resolves to what is measured: response or service time, calls by outcome, per group', () => {
  assert.deepEqual(parse('Heartbeat.p99 < 1').ref, { family: 'latency', series: 'response', action: 'Heartbeat' });
  assert.deepEqual(parse('Heartbeat.service.p99 < 1').ref, { family: 'latency', series: 'service', action: 'Heartbeat' });
  assert.deepEqual(parse('Heartbeat.count > 1').ref, { family: 'calls', outcome: 'all', action: 'Heartbeat' });
  assert.deepEqual(parse('group:eu.west.errors.rate < 1%').ref, { family: 'calls', outcome: 'errors', group: 'eu.west' });
  assert.deepEqual(parse('Heartbeat.p99.9 < 1').stat, { kind: 'percentile', p: 99.9 });
  assert.deepEqual(parse('Heartbeat.p0 < 1').stat, { kind: 'percentile', p: 0 });
  assert.deepEqual(parse('errors.tlsError.count == 0').ref, { family: 'errorKind', kind: 'tlsError' });
});

test('abortOnFail and its grace period, in the text or from the scenario mapping', () => {
  const a = parse('errors.rate < 1% abortOnFail');
  assert.equal(a.abortOnFail, true);
  assert.equal(a.abortGracePeriodMs, 0);
  const b = parse('errors.rate < 1% abortOnFail(30s)');
  assert.equal(b.abortGracePeriodMs, 30_000);
  const c = parseThreshold('timeouts.count == 0', NAMES, { source: 's.yaml:3', abortOnFail: true, abortGracePeriodMs: 5000 });
  assert.equal(c.abortOnFail, true);
  assert.equal(c.abortGracePeriodMs, 5000);
  assert.equal(c.source, 's.yaml:3');
  assert.match(error('errors.rate < 1% abortOnFail(soon)'), /grace period such as "30s", got "soon"/);
});

test('an unknown or CSMS-sent action is refused with a hint', () => {
  assert.match(error('BootNotificaton.p99 < 800ms'), /unknown metric "BootNotificaton".*did you mean "BootNotification"\?/);
  assert.match(error('RemoteStartTransaction.p99 < 1s'), /RemoteStartTransaction is sent by the CSMS/);
  assert.match(error('Frobnicate.p99 < 1s'), /unknown metric "Frobnicate": not an action charge points send in OCPP 1\.6, 2\.0\.1 or 2\.1/);
  assert.match(error('Heartbeat.latency.p99 < 1'), /unknown metric "Heartbeat\.latency"/);
});

test('an unknown aggregation, error kind, counter or group is refused, naming what exists', () => {
  assert.match(error('Heartbeat.median < 3'), /unknown aggregation "median" for Heartbeat: expected pNN \(p95, p99\.9\), mean, min, max, count or rate/);
  assert.match(error('Heartbeat.service < 3'), /"Heartbeat\.service" needs an aggregation: Heartbeat\.service\.p99/);
  assert.match(error('Heartbeat.service.count < 3'), /Heartbeat\.service has no count/);
  assert.match(error('connect.rate > 3'), /connect has no rate/);
  assert.match(error('errors.connectionLst.count == 0'), /unknown error kind "connectionLst"; did you mean "connectionLost"\?/);
  assert.match(error('errors.connectionLost == 0'), /needs an aggregation: errors\.connectionLost\.count/);
  assert.match(error('counters.nope.count == 0'), /unknown counter "nope"; expected one of reconnects, /);
  assert.match(error('group:zz.Heartbeat.p99 < 1'), /unknown group "zz"; the scenario's groups are acquired, eu\.west, eu/);
  assert.match(error('group:acquired.connect.p99 < 1'), /connect is measured for the whole fleet only/);
  assert.match(error('group:acquired.errors.tlsError.count < 1'), /errors\.tlsError is measured for the whole fleet only/);
});

test('percentiles beyond 100 are refused, with the p99.9 spelling suggested for p999', () => {
  assert.match(error('Heartbeat.p999 < 1'), /a percentile is from p0 to p100, got "p999"; write p99\.9/);
  assert.match(error('Heartbeat.p101 < 1'), /got "p101"$/);
});

test('a limit whose unit does not fit the metric is refused', () => {
  assert.match(error('Heartbeat.p99 < 5%'), /Heartbeat\.p99 is a time: give the limit in ms or s/);
  assert.match(error('errors.rate < 5'), /errors\.rate is a share: write a percentage such as 0\.1% or a fraction from 0 to 1, got 5/);
  assert.match(error('errors.rate < 5/s'), /is a share of calls: give the limit in %/);
  assert.match(error('errors.rate < 101%'), /share of at most 100%/);
  assert.match(error('calls.rate > 20%'), /calls\.rate is a rate per second/);
  assert.match(error('timeouts.count < 3ms'), /timeouts\.count is a number of events: write the limit without a unit/);
});

test('syntax errors say what was expected', () => {
  assert.match(error('Heartbeat.p99'), /no operator \(<, <=, >, >=, ==, !=\) found/);
  assert.match(error('Heartbeat.p99 = 3'), /"=" is not an operator: write "=="/);
  assert.match(error('< 3'), /expected a metric before "<"/);
  assert.match(error('Heartbeat p99 < 3'), /expected one metric name before "<" \(no spaces\), got "Heartbeat p99"/);
  assert.match(error('Heartbeat.p99 < fast'), /expected a number after "<"/);
  assert.match(error('Heartbeat.p99 < -3'), /expected a number after "<"/);
  assert.match(error('Heartbeat.p99 < 3 sec'), /unexpected "sec" after the limit/);
  assert.match(error('p99 < 3'), /expected METRIC\.AGGREGATION such as "BootNotification\.p99"/);
});
