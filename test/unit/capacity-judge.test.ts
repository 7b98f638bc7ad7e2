import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERATOR_LIMITS, judgeWindow, type LimitHit } from '../../src/capacity/judge';
import type { StepWindow } from '../../src/capacity/live';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, actionsOf, ERROR_KINDS } from '../../src/ocpp';
import type { HealthResult } from '../../src/report/summary';
import { parseThreshold, type Threshold } from '../../src/report/thresholds';
import { COUNTER_NAMES } from '../../src/station/counters';

/**
 * A step's verdict from its window: real Aggregators holding real records, the SLOs parsed by the
 * real threshold grammar and judged by evaluateThresholds, health checks and generator figures.
 */
const NAMES = {
  stationActions: [...new Set([...actionsOf('1.6').station, ...actionsOf('2.0.1').station])],
  csmsActions: [],
  errorKinds: ERROR_KINDS,
  counters: COUNTER_NAMES,
  groups: ['g'],
};

function slos(...texts: string[]): Threshold[] {
  return texts.map((t) => parseThreshold(t, NAMES, { source: '--slo' }));
}

const OK_HEALTH: HealthResult[] = [
  { check: 'connected', value: 100, limit: 100, passed: true, detail: 'connected 100 of 100 stations' },
  { check: 'booted', value: 100, limit: 100, passed: true, detail: 'booted 100 of 100 stations' },
  { check: 'eventLoopDelay', value: 3, limit: 200, passed: true, detail: 'event-loop delay p99 3 ms' },
];

/** 1,000 TransactionEvents answered in 1..1000 ms and 10 Heartbeat timeouts, over 10 s. */
function window(overrides: Partial<StepWindow> = {}): StepWindow {
  const aggregator = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['g'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const tx = actionCode('TransactionEvent');
  for (let i = 1; i <= 1000; i++) aggregator.ingest(packHeader(RecordKind.CallOk, 0, tx), i * 1000, i * 500, i * 10);
  for (let i = 0; i < 10; i++) aggregator.ingest(packHeader(RecordKind.CallTimeout, 0, actionCode('Heartbeat')), 30_000_000, 0, i);
  return {
    fromMs: 0,
    toMs: 10_000,
    source: { aggregator, elapsedMs: 10_000 },
    calls: 1010,
    callsPerSecond: 100,
    offeredCallsPerSecond: 101,
    stations: { active: 100, connected: 100, booted: 100 },
    health: OK_HEALTH,
    generator: { eventLoopDelayP99Ms: 3, schedulerLagP99Ms: 2, cpuPerWorker: [0.3, 0.4] },
    ...overrides,
  };
}

test('every SLO and check passing, the generator idle: pass, with each SLO\'s value and each action\'s p50 and p99', () => {
  const j = judgeWindow(window(), slos('TransactionEvent.p99 < 1s', 'errors.rate < 1%', 'calls.rate > 50/s'));
  assert.equal(j.verdict, 'pass');
  assert.equal(j.passed, true);
  assert.deepEqual(j.breaches, []);
  assert.deepEqual(j.slos.map((s) => [s.expr, s.passed]), [['TransactionEvent.p99 < 1s', true], ['errors.rate < 1%', true], ['calls.rate > 50/s', true]]);
  const p99 = j.slos[0]?.value as number;
  assert.ok(Math.abs(p99 - 990) <= 1, `p99 ${p99}`);
  assert.equal(j.slos[0]?.unit, 'ms');
  assert.equal(j.slos[0]?.samples, 1000);
  // 10 timeouts of 1,010 calls: 0.990 %, under 1 %.
  assert.ok(Math.abs((j.slos[1]?.value as number) - 0.990099) < 1e-5, String(j.slos[1]?.value));
  // Rates are over the window's own length: 1,010 calls in 10 s.
  assert.equal(j.slos[2]?.value, 101);
  const tx = j.actions.TransactionEvent;
  assert.ok(tx !== undefined && Math.abs((tx.p50 as number) - 500) <= 0.5 && Math.abs((tx.p99 as number) - 990) <= 1, JSON.stringify(tx));
  assert.equal(tx?.calls, 1000);
  assert.deepEqual(j.actions.Heartbeat, { calls: 10, p50: null, p99: null });
  assert.deepEqual(j.generator, { eventLoopDelayP99Ms: 3, schedulerLagP99Ms: 2, cpuPerWorker: [0.3, 0.4], saturated: false });
});

test('a failed SLO is a breach; several: the one furthest past its limit first', () => {
  const j = judgeWindow(window(), slos('TransactionEvent.p50 < 400ms', 'TransactionEvent.p99 < 100ms', 'calls.rate > 200/s'));
  assert.equal(j.verdict, 'breach');
  assert.equal(j.passed, false);
  // p99 990 ms is 9.9× its limit, the rate 101/s half of 200/s (2×), p50 500 ms 1.25×.
  assert.deepEqual(j.breaches.map((b) => ('slo' in b ? b.slo : '?')), ['TransactionEvent.p99 < 100ms', 'calls.rate > 200/s', 'TransactionEvent.p50 < 400ms']);
  const first = j.breaches[0] as Extract<LimitHit, { slo: string }>;
  assert.equal(first.metric, 'TransactionEvent.p99');
  assert.equal(first.limit, 100);
  assert.ok(Math.abs((first.value as number) - 990) <= 1);
});

test('an SLO with no samples in the window fails, and counts as the furthest broken', () => {
  const j = judgeWindow(window(), slos('TransactionEvent.p99 < 100ms', 'Authorize.p99 < 500ms'));
  assert.equal(j.verdict, 'breach');
  const authorize = j.slos[1];
  assert.equal(authorize?.value, null);
  assert.equal(authorize?.samples, 0);
  assert.equal(authorize?.passed, false);
  assert.ok('slo' in (j.breaches[0] as LimitHit) && (j.breaches[0] as { slo: string }).slo === 'Authorize.p99 < 500ms');
});

test('a failed health check is a breach after the SLOs, with its detail', () => {
  const booted: HealthResult = { check: 'booted', value: 90, limit: 100, passed: false, detail: 'booted 90 of 100 stations (closedBeforeBoot ×10)' };
  const j = judgeWindow(window({ health: [OK_HEALTH[0] as HealthResult, booted] }), slos('TransactionEvent.p99 < 100ms'));
  assert.equal(j.verdict, 'breach');
  assert.deepEqual(j.breaches[1], { check: 'booted', value: 90, limit: 100, detail: 'booted 90 of 100 stations (closedBeforeBoot ×10)' });
  const alone = judgeWindow(window({ health: [booted] }), slos('TransactionEvent.p99 < 1s'));
  assert.equal(alone.verdict, 'breach');
  assert.equal((alone.breaches[0] as { check: string }).check, 'booted');
  assert.equal(alone.checks.length, 1);
});

test('a saturated generator makes the step the generator\'s, even when SLOs broke too: its hits first', () => {
  const j = judgeWindow(window({ generator: { eventLoopDelayP99Ms: 73, schedulerLagP99Ms: 12, cpuPerWorker: [0.5] } }), slos('TransactionEvent.p99 < 100ms'));
  assert.equal(j.verdict, 'generator');
  assert.equal(j.passed, false);
  assert.equal(j.generator.saturated, true);
  assert.deepEqual(j.breaches[0], { generator: 'eventLoopDelayP99Ms', value: 73, limit: GENERATOR_LIMITS.eventLoopDelayP99Ms });
  assert.ok('slo' in (j.breaches[1] as LimitHit), 'the SLO that broke is still listed');
});

test('each generator limit on its own: scheduler lag, the busiest worker\'s CPU, the run\'s own generator checks', () => {
  const lag = judgeWindow(window({ generator: { eventLoopDelayP99Ms: 3, schedulerLagP99Ms: 51, cpuPerWorker: [0.2] } }), slos('TransactionEvent.p99 < 1s'));
  assert.deepEqual(lag.breaches, [{ generator: 'schedulerLagP99Ms', value: 51, limit: 50 }]);
  const cpu = judgeWindow(window({ generator: { eventLoopDelayP99Ms: 3, schedulerLagP99Ms: 2, cpuPerWorker: [0.95, 0.97, 0.5] } }), slos('TransactionEvent.p99 < 1s'));
  assert.deepEqual(cpu.breaches, [{ generator: 'cpuPerWorker', value: 0.97, limit: 0.9, worker: 1 }]);
  const check: HealthResult = { check: 'schedulerLag', value: 250, limit: 200, passed: false, detail: 'scheduled events fired p99 250 ms late' };
  const fromHealth = judgeWindow(window({ health: [...OK_HEALTH, check] }), slos('TransactionEvent.p99 < 1s'));
  assert.equal(fromHealth.verdict, 'generator', 'the run\'s generator checks never count against the CSMS');
  assert.deepEqual(fromHealth.breaches, [{ generator: 'schedulerLag', value: 250, limit: 200 }]);
});

test('at the limits exactly, or with figures not measured (NaN), the generator is not saturated', () => {
  const at = judgeWindow(window({ generator: { eventLoopDelayP99Ms: 50, schedulerLagP99Ms: 50, cpuPerWorker: [0.9] } }), slos('TransactionEvent.p99 < 1s'));
  assert.equal(at.verdict, 'pass');
  const unmeasured = judgeWindow(window({ generator: { eventLoopDelayP99Ms: NaN, schedulerLagP99Ms: NaN, cpuPerWorker: [] } }), slos('TransactionEvent.p99 < 1s'));
  assert.equal(unmeasured.verdict, 'pass');
});
