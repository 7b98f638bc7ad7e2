import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateHealth, withHealth, type HealthFacts } from '../../src/report/health';
import { endOfRunText, formatHealth, verdictLine } from '../../src/report/run-text';
import { DEFAULT_HEALTH_LIMITS, HEALTH_CHECKS, resolveHealth } from '../../src/scenario/health';
import type { ActionSummary, GroupSummary, HealthResult, Summary } from '../../src/report/summary';
import type { ThresholdResult } from '../../src/report/thresholds';

const LATENCY = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };

function action(sent: number, bad: Partial<Pick<ActionSummary, 'callErrors' | 'timeouts' | 'invalid' | 'aborted' | 'neverSent'>> = {}): ActionSummary {
  const failed = (bad.callErrors ?? 0) + (bad.timeouts ?? 0) + (bad.invalid ?? 0) + (bad.aborted ?? 0);
  return {
    sent, ok: sent - failed, callErrors: bad.callErrors ?? 0, timeouts: bad.timeouts ?? 0, invalid: bad.invalid ?? 0, aborted: bad.aborted ?? 0,
    latencyMs: LATENCY, serviceTimeMs: LATENCY, dispatchDelayMs: { p50: 0, p99: 0, max: 0 },
    ...(bad.neverSent === undefined ? {} : { neverSent: bad.neverSent }),
  };
}

function group(planned: number, connected: number, booted: number, actions: Record<string, ActionSummary> = {}, more: Partial<GroupSummary> = {}): GroupSummary {
  return { fleet: { planned, connected, booted, failedToConnect: planned - connected, notStarted: 0 }, actions, ...more };
}

/** Two groups of 100: every station connected and booted, 1,000 heartbeats all answered. */
function summary(change: Partial<Summary> = {}): Summary {
  return {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 'health', seed: 1, target: 'embedded CSMS (ws://127.0.0.1:9000/ocpp)',
    startedAt: '2026-11-23T22:17:00.000Z', endedAt: '2026-11-23T22:18:00.000Z', durationMs: 60_000, partial: false,
    fleet: { planned: 200, connected: 200, booted: 200, failedToConnect: 0, notStarted: 0 },
    actions: { Heartbeat: action(1000) }, incoming: {},
    connect: { attempts: 200, ok: 200, errors: 0, latencyMs: LATENCY }, boot: { accepted: 200, timeToAcceptedMs: LATENCY },
    errors: {}, counters: {},
    groups: { v16: group(100, 100, 100, { Heartbeat: action(500) }), v201: group(100, 100, 100, { Heartbeat: action(500) }) },
    thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
    ...change,
  };
}

const EMBEDDED: HealthFacts = {
  embeddedCsms: true,
  workers: 2,
  eventLoopDelayMs: { p99: 12.5, max: 40, worker: 1, samples: 6000 },
  schedulerLagMs: { p99: 3.25, max: 9, worker: 0, samples: 48_000 },
};

const DEFAULTS = resolveHealth().limits;

function check(results: readonly HealthResult[], name: string): HealthResult {
  const r = results.find((h) => h.check === name);
  assert.ok(r, `no ${name} check in ${results.map((h) => h.check).join(', ')}`);
  return r;
}

test('a healthy run: seven checks in their order, every one passed, with its value and default limit', () => {
  const health = evaluateHealth(summary({ csms: { alive: true, signedMeterValues: { verified: 0, failed: 0 } } }), EMBEDDED, DEFAULTS);
  assert.deepEqual(health.map((h) => h.check), [...HEALTH_CHECKS]);
  assert.deepEqual(health.map((h) => Object.keys(h)), health.map(() => ['check', 'value', 'limit', 'passed', 'detail']));
  assert.ok(health.every((h) => h.passed), JSON.stringify(health));
  assert.deepEqual(health.map((h) => h.limit), HEALTH_CHECKS.map((c) => DEFAULT_HEALTH_LIMITS[c]));
  assert.deepEqual(health.map((h) => h.value), [100, 100, 0, null, 1, 12.5, 3.25]);
  assert.equal(check(health, 'connected').detail, 'connected 200 of 200 stations');
  assert.equal(check(health, 'incompleteCalls').detail, '0 of 1,000 calls did not complete');
  assert.equal(check(health, 'openTransactions').detail, 'not measured: this summary has no transaction counts');
  assert.equal(check(health, 'eventLoopDelay').detail, 'event-loop delay p99 12.5 ms (worker 2 of 2, the worst; max 40 ms)');
  assert.equal(check(health, 'schedulerLag').detail, 'scheduled events fired p99 3.25 ms late (worker 1 of 2, the worst; max 9 ms)');
});

test('connected and booted: one station short fails at the default 100%, names the group and the kinds', () => {
  const s = summary({
    fleet: { planned: 200, connected: 150, booted: 0, failedToConnect: 50, notStarted: 0 },
    errors: { handshakeRejected: 150, closedBeforeBoot: 612, connectionLost: 3 },
    counters: { bootPending: 7 },
    groups: {
      v16: group(100, 50, 0, {}, { errors: { handshakeRejected: 150, closedBeforeBoot: 300 } }),
      v201: group(100, 100, 0, {}, { errors: { closedBeforeBoot: 312 } }),
    },
  });
  const health = evaluateHealth(s, EMBEDDED, DEFAULTS);
  const connected = check(health, 'connected');
  assert.equal(connected.passed, false);
  assert.equal(connected.value, 75);
  assert.equal(connected.detail, 'connected 150 of 200 stations (handshakeRejected ×150); group v16 50 of 100 (handshakeRejected ×150)');
  const booted = check(health, 'booted');
  assert.equal(booted.passed, false);
  assert.equal(booted.value, 0);
  assert.equal(booted.detail, 'booted 0 of 200 stations (closedBeforeBoot ×612, 50 never connected, bootPending ×7); groups v16 0 of 100 (closedBeforeBoot ×300, 50 never connected), v201 0 of 100 (closedBeforeBoot ×312)');
  // Relaxed to 75%: exactly at the limit passes; booted turned off is absent.
  const relaxed = evaluateHealth(s, EMBEDDED, resolveHealth({ limits: { connected: 75, booted: null } }).limits);
  assert.equal(check(relaxed, 'connected').passed, true);
  assert.equal(relaxed.some((h) => h.check === 'booted'), false);
  // 199,999 of 200,000 is not shown as 100%: the share is rounded towards failing.
  const big = evaluateHealth(summary({ fleet: { planned: 200_000, connected: 199_999, booted: 199_999, failedToConnect: 1, notStarted: 0 } }), EMBEDDED, DEFAULTS);
  assert.equal(check(big, 'connected').value, 99.999);
  assert.equal(check(big, 'connected').passed, false);
});

test('stations whose connection was not due before the end are not judged, and said so', () => {
  const s = summary({ fleet: { planned: 200, connected: 120, booted: 120, failedToConnect: 0, notStarted: 80 } });
  const health = evaluateHealth(s, EMBEDDED, DEFAULTS);
  assert.equal(check(health, 'connected').passed, true);
  assert.equal(check(health, 'connected').detail, 'connected 120 of 120 stations; 80 more not due before the end');
  const none = evaluateHealth(summary({ fleet: { planned: 5, connected: 0, booted: 0, failedToConnect: 0, notStarted: 5 }, actions: {} }), EMBEDDED, DEFAULTS);
  assert.deepEqual([check(none, 'connected').value, check(none, 'connected').passed], [null, true]);
  assert.match(check(none, 'connected').detail, /^not judged: no station was due/);
});

test('incompleteCalls: callErrors, timeouts, invalid, aborted and neverSent over sent + neverSent, worst actions named', () => {
  const s = summary({
    actions: {
      Heartbeat: action(1000, { timeouts: 5 }),
      StopTransaction: action(80, { timeouts: 10, aborted: 2, neverSent: 8 }),
      Authorize: action(12, { callErrors: 1, invalid: 1 }),
    },
    neverSent: { connectionClosed: 8 },
  });
  const health = evaluateHealth(s, EMBEDDED, DEFAULTS);
  const h = check(health, 'incompleteCalls');
  // 27 of 1,100 (1,092 sent + 8 never sent) = 2.4545…% rounded up.
  assert.equal(h.value, 2.455);
  assert.equal(h.passed, false);
  assert.match(h.detail, /^27 of 1,100 calls did not complete \(StopTransaction timeouts 10, aborted 2, neverSent 8; Heartbeat timeouts 5; Authorize callErrors 1, invalid 1\); never sent: connectionClosed ×8/);
  assert.equal(check(evaluateHealth(s, EMBEDDED, resolveHealth({ limits: { incompleteCalls: 2.5 } }).limits), 'incompleteCalls').passed, true);
  const nothing = check(evaluateHealth(summary({ actions: {} }), EMBEDDED, DEFAULTS), 'incompleteCalls');
  assert.deepEqual([nothing.value, nothing.passed, nothing.detail], [null, true, 'not judged: no call was sent']);
});

test("incompleteCalls: calls the scenario's own faults cut (their callsCut) are not the target's, at most the calls aborted", () => {
  const restart = { index: 0, kind: 'restart', at: '5s', atMs: 5000, share: 1, groups: null, stations: 10, effects: { connectionsCut: 10, callsCut: 4, rebooted: 10 } };
  const s = summary({ actions: { MeterValues: action(200, { aborted: 2 }), TransactionEvent: action(67, { aborted: 2, timeouts: 1 }) }, faults: [restart] } as Partial<Summary>);
  const h = check(evaluateHealth(s, EMBEDDED, DEFAULTS), 'incompleteCalls');
  // 5 of 267 incomplete, 4 of them cut by the restart: 1 counted (0.375 %), under 1 %.
  assert.deepEqual([h.value, h.passed], [0.375, true]);
  assert.equal(h.detail, "1 of 267 calls did not complete (TransactionEvent timeouts 1, aborted 2; MeterValues aborted 2); 4 more cut by the scenario's own faults, not counted");
  // A fault's count never hides more than the calls that were aborted.
  const more = summary({ actions: { MeterValues: action(100, { aborted: 1, timeouts: 3 }) }, faults: [{ ...restart, effects: { callsCut: 9 } }] } as Partial<Summary>);
  const m = check(evaluateHealth(more, EMBEDDED, DEFAULTS), 'incompleteCalls');
  assert.deepEqual([m.value, m.passed], [3, false]);
  assert.match(m.detail, /^3 of 100 calls did not complete .*; 1 more cut by the scenario's own faults, not counted$/);
});

test("incompleteCalls: calls queued when the scenario's own fault cut the connection (never sent: faultCut) are not the target's either", () => {
  const restart = { index: 0, kind: 'restart', at: '5s', atMs: 5000, share: 1, groups: null, stations: 10, effects: { connectionsCut: 10, callsCut: 1, rebooted: 10 } };
  const s = summary({
    actions: { StatusNotification: action(100, { aborted: 1, neverSent: 12 }), Heartbeat: action(100, { neverSent: 3 }) },
    neverSent: { faultCut: 12, connectionClosed: 3 },
    faults: [restart],
  } as Partial<Summary>);
  const h = check(evaluateHealth(s, EMBEDDED, DEFAULTS), 'incompleteCalls');
  // 16 of 215 incomplete; the restart's 1 aborted and 12 queued are its own: 3 counted (1.396 %).
  assert.deepEqual([h.value, h.passed], [1.396, false]);
  assert.match(h.detail, /^3 of 215 calls did not complete .*never sent: faultCut ×12, connectionClosed ×3; 13 more cut by the scenario's own faults, not counted/);
});

test('openTransactions: judged when the summary counts transactions, with the groups holding them', () => {
  const s = summary({
    transactions: { started: 1785, stopped: 1782, stopAcknowledged: 1682, openAtEnd: 103 },
    groups: {
      v16: group(100, 100, 100, {}, { transactions: { started: 900, stopped: 900, stopAcknowledged: 797, openAtEnd: 103 } }),
      v201: group(100, 100, 100, {}, { transactions: { started: 885, stopped: 882, stopAcknowledged: 885, openAtEnd: 0 } }),
    },
  });
  const h = check(evaluateHealth(s, EMBEDDED, DEFAULTS), 'openTransactions');
  assert.deepEqual([h.value, h.limit, h.passed], [103, 0, false]);
  assert.equal(h.detail, '103 transactions open at the end (started 1,785, stop acknowledged 1,682); group v16 103');
  assert.equal(check(evaluateHealth(s, EMBEDDED, resolveHealth({ limits: { openTransactions: 103 } }).limits), 'openTransactions').passed, true);
});

test('csmsAlive: judged for the embedded CSMS only; a death with its signal, or a CSMS that did not answer at the end', () => {
  const alive = check(evaluateHealth(summary({ csms: { alive: true, signedMeterValues: { verified: 0, failed: 0 } } }), EMBEDDED, DEFAULTS), 'csmsAlive');
  assert.deepEqual([alive.value, alive.passed], [1, true]);
  const died = { alive: false, exit: { code: null, signal: 'SIGKILL', atMs: 8123, lastLines: [] } } as unknown as Summary['csms'];
  const dead = check(evaluateHealth(summary({ csms: died }), EMBEDDED, DEFAULTS), 'csmsAlive');
  assert.deepEqual([dead.value, dead.passed, dead.detail], [0, false, 'the embedded CSMS died 8.1 s into the run (killed by SIGKILL)']);
  const silent = check(evaluateHealth(summary(), EMBEDDED, DEFAULTS), 'csmsAlive');
  assert.deepEqual([silent.value, silent.passed, silent.detail], [0, false, 'the embedded CSMS did not answer at the end of the run']);
  const remote = check(evaluateHealth(summary(), { ...EMBEDDED, embeddedCsms: false }, DEFAULTS), 'csmsAlive');
  assert.deepEqual([remote.value, remote.passed, remote.detail], [null, true, 'not judged: the target was not the embedded CSMS']);
});

test('eventLoopDelay and schedulerLag: the worst worker above the limit fails and says the generator was saturated', () => {
  const slow: HealthFacts = { ...EMBEDDED, eventLoopDelayMs: { p99: 312.25, max: 900, worker: 0, samples: 1000 } };
  const h = check(evaluateHealth(summary(), slow, DEFAULTS), 'eventLoopDelay');
  assert.deepEqual([h.value, h.limit, h.passed], [312.25, 200, false]);
  assert.match(h.detail, /^event-loop delay p99 312\.25 ms \(worker 1 of 2, the worst; max 900 ms\): the generator was saturated/);
  const unmeasured = check(evaluateHealth(summary(), { embeddedCsms: true }, DEFAULTS), 'schedulerLag');
  assert.deepEqual([unmeasured.value, unmeasured.passed], [null, true]);
  // A p99 of 999 samples is not judged: one stall of a shared machine would decide it.
  const short = check(evaluateHealth(summary(), { ...slow, eventLoopDelayMs: { p99: 312.25, max: 900, worker: 0, samples: 999 } }, DEFAULTS), 'eventLoopDelay');
  assert.deepEqual([short.value, short.passed], [null, true]);
  assert.equal(short.detail, 'not judged: event-loop delay p99 312.25 ms of 999 samples, fewer than the 1,000 a p99 needs');
});

test('every check off: none judged; withHealth puts health before thresholds and fails passed on a failed check', () => {
  const off = resolveHealth({ limits: Object.fromEntries(HEALTH_CHECKS.map((c) => [c, null])) });
  assert.deepEqual(evaluateHealth(summary({ fleet: { planned: 200, connected: 0, booted: 0, failedToConnect: 200 } }), EMBEDDED, off.limits), []);
  const s = summary({ fleet: { planned: 200, connected: 10, booted: 10, failedToConnect: 190, notStarted: 0 } });
  const judged = withHealth(s, evaluateHealth(s, EMBEDDED, DEFAULTS));
  assert.equal(judged.passed, false);
  const keys = Object.keys(judged);
  assert.equal(keys.indexOf('health') + 1, keys.indexOf('thresholds'));
  assert.equal(withHealth(summary(), []).passed, true);
});

test('the end-of-run text: the verdict line first, then health, thresholds and the table', () => {
  const csms = { alive: true, signedMeterValues: { verified: 0, failed: 0 } };
  const failing = summary({ fleet: { planned: 200, connected: 200, booted: 0, failedToConnect: 0, notStarted: 0 }, errors: { closedBeforeBoot: 612 }, csms });
  const judged = withHealth(failing, evaluateHealth(failing, EMBEDDED, DEFAULTS));
  const threshold: ThresholdResult = {
    threshold: 'BootNotification.p99 < 800ms', source: '--threshold', metric: 'BootNotification.p99', operator: '<', limit: 800,
    value: 912.345, unit: 'ms', samples: 200, verdict: 'fail', abortOnFail: false,
  };
  const text = endOfRunText(judged, [threshold], '/tmp/results');
  const lines = text.split('\n');
  assert.equal(lines[0], 'FAILED: booted 0 of 200 stations (closedBeforeBoot ×612); BootNotification.p99 = 912.345 ms, expected < 800 ms (200 samples)');
  assert.ok(text.indexOf('health: 1 of 7 failed') < text.indexOf('thresholds: 1 of 1 failed'));
  assert.ok(text.indexOf('thresholds: 1 of 1 failed') < text.search(/^action /m));
  assert.match(formatHealth(judged.health ?? []), /✗ booted\s+0% \(≥ 100%\)\s+booted 0 of 200 stations \(closedBeforeBoot ×612\)  FAIL/);
  const ok = withHealth(summary({ csms }), evaluateHealth(summary({ csms }), EMBEDDED, DEFAULTS));
  assert.equal(verdictLine(ok, [{ ...threshold, value: 3, verdict: 'pass' }]), 'PASSED: 200 stations, 1,000 calls, 7 health checks and 1 threshold passed');
  assert.equal(verdictLine(withHealth(summary(), []), []), 'PASSED: 200 stations, 1,000 calls, no health check or threshold in force');
  assert.match(verdictLine({ ...ok, partial: true }, []), /^STOPPED before its planned end, nothing failed so far: 200 stations/);
});

test('the end-of-run text under the verdict: what the run was, errors by kind with a sample each, and report.html last', () => {
  const failing = summary({
    errors: { closedBeforeBoot: 12, timeout: 600 },
    errorSamples: { timeout: 'no answer to BootNotification within 10 s', closedBeforeBoot: 'closed by the CSMS (1011) before the boot was answered' },
    settings: { durationMs: 60_000 },
  });
  const byVersion = new Map([['1.6', 100], ['2.0.1', 100]]);
  const lines = endOfRunText(failing, [], '/tmp/results/smoke-1', { stationsByVersion: byVersion }).trimEnd().split('\n');
  assert.equal(lines[1], 'run: health against the embedded CSMS (ws://127.0.0.1:9000/ocpp) · 100 × OCPP 1.6, 100 × OCPP 2.0.1 · 60.0 s (60.0 s planned)');
  const errors = lines.indexOf('errors: 612 of 2 kinds');
  assert.ok(errors > 1, lines.join('\n'));
  assert.deepEqual(lines.slice(errors + 1, errors + 3), [
    '  timeout           600  e.g. no answer to BootNotification within 10 s',
    '  closedBeforeBoot   12  e.g. closed by the CSMS (1011) before the boot was answered',
  ]);
  assert.ok(errors < lines.findIndex((l) => /^action /.test(l)), 'errors before the table');
  assert.deepEqual(lines.slice(-2), ['results: /tmp/results/smoke-1', 'report: /tmp/results/smoke-1/report.html']);
  // Without the plan (summary.json alone): the stations as a count; a run without errors has no errors block.
  const plain = endOfRunText(summary(), [], '/tmp/r').split('\n');
  assert.equal(plain[1], 'run: health against the embedded CSMS (ws://127.0.0.1:9000/ocpp) · 200 stations · 60.0 s');
  assert.equal(plain.some((l) => l.startsWith('errors: ')), false);
});
