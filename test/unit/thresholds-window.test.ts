import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS } from '../../src/ocpp';
import { parseThreshold, type ThresholdResult } from '../../src/report/thresholds';
import { evaluateThresholds } from '../../src/report/thresholds-eval';
import { describeResult, formatThresholds } from '../../src/report/thresholds-format';
import { UsageError } from '../../src/run/exit-codes';
import { parseRunThresholds } from '../../src/run/thresholds';
import { parseScenario, ScenarioError } from '../../src/scenario/load';
import { thresholdNames } from '../helpers/threshold-names';
import { COUNTER_NAMES } from '../../src/station/counters';

/**
 * Thresholds over a trailing window (`Heartbeat.p99[last 10m] < 500ms`): the grammar and its
 * errors, and the values, judged from the per-second interval histograms the aggregator keeps.
 */
const NAMES = thresholdNames(['urban']);

function problem(text: string): string {
  try {
    parseThreshold(text, NAMES, { source: 'test' });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  assert.fail(`"${text}" was accepted`);
}

test('a window is written after the aggregation: [last DURATION], whole seconds', () => {
  const t = parseThreshold('TransactionEvent.p99[last 10m] < 500ms', NAMES, { source: 'test' });
  assert.deepEqual(t.window, { lastMs: 600_000, text: 'last 10m' });
  assert.equal(t.metric, 'TransactionEvent.p99[last 10m]');
  assert.equal(t.limit, 500);
  const spaced = parseThreshold('  Heartbeat.service.p99.9 [ last  30s ]  <=  2s', NAMES, { source: 'test' });
  assert.deepEqual(spaced.window, { lastMs: 30_000, text: 'last 30s' });
  assert.equal(spaced.metric, 'Heartbeat.service.p99.9[last 30s]');
  assert.equal(parseThreshold('calls.rate[last 1h] > 100/s', NAMES, { source: 'test' }).window?.lastMs, 3_600_000);
  assert.equal(parseThreshold('Heartbeat.p99 < 1s', NAMES, { source: 'test' }).window, undefined, 'no brackets, no window');
});

test('a bad window is refused, saying what is wrong', () => {
  assert.equal(problem('Heartbeat.p99[10m] < 1s'), 'unknown window "[10m]": a window is the run\'s last stretch, written [last 10m] (or [last 30s], [last 1h])');
  assert.equal(problem('Heartbeat.p99[last] < 1s'), 'the window "[last]" needs a length: [last 10m], [last 30s], [last 1h]');
  assert.equal(problem('Heartbeat.p99[last ten] < 1s'), 'the window "[last ten]" needs a duration with its unit, such as 10m, 30s or 1h');
  assert.equal(problem('Heartbeat.p99[last 10] < 1s'), 'the window "[last 10]" needs a duration with its unit, such as 10m, 30s or 1h');
  assert.equal(problem('Heartbeat.p99[last 1500ms] < 1s'), 'the window "[last 1500ms]" must be whole seconds, at least 1s: the run keeps one histogram per second');
  assert.equal(problem('Heartbeat.p99[last 0s] < 1s'), 'the window "[last 0s]" must be whole seconds, at least 1s: the run keeps one histogram per second');
  assert.match(problem('Heartbeat.p99[last 1000h] < 1s'), /^the window "\[last 1000h\]" is longer than any run \(at most/);
  assert.equal(problem('Heartbeat.p99[last 1m < 1s'), '"Heartbeat.p99[last 1m" opens a window with "[" and never closes it: write METRIC.AGGREGATION[last 10m]');
  assert.equal(problem('Heartbeat.p99[last 1m]x < 1s'), 'unexpected "x" after the window "[last 1m]": the window ends the metric, as in Heartbeat.p99[last 10m]');
  assert.equal(problem('Heartbeat.p99] < 1s'), 'unexpected "]" in "Heartbeat.p99]": a window is written METRIC.AGGREGATION[last 10m]');
});

test('a window only on what the run keeps per second: action and connect times, calls, timeouts', () => {
  assert.equal(problem('group:urban.Heartbeat.p99[last 1m] < 1s'), 'group:urban.Heartbeat.p99 has no window: the run keeps its per-second histograms per action, not per group');
  const kept = 'a window judges what the run keeps per second, the time statistics (pNN, mean, min, max) of an action (Heartbeat.p99), its service time (Heartbeat.service.p99) and connect, and calls.count, calls.rate, timeouts.count';
  assert.equal(problem('errors.rate[last 1m] < 1%'), `errors.rate has no window: ${kept}`);
  assert.equal(problem('boot.p99[last 1m] < 1s'), `boot.p99 has no window: ${kept}`);
  assert.equal(problem('Heartbeat.count[last 1m] > 5'), `Heartbeat.count has no window: ${kept}`);
  assert.equal(problem('counters.reconnects.count[last 1m] == 0'), `counters.reconnects.count has no window: ${kept}`);
  assert.equal(problem('timeouts.rate[last 1m] < 1%'), `timeouts.rate has no window: ${kept}`);
  // The metric is checked first: an unknown one is named as without a window.
  assert.match(problem('Heartbeet.p99[last 1m] < 1s'), /^unknown metric "Heartbeet": .*; did you mean "Heartbeat"\?$/);
});

test('abortOnFail does not go with a window, in the text or in the scenario\'s mapping form', () => {
  const why = 'abortOnFail cannot go with the window [last 1m]: abortOnFail judges the run so far, once a second, and a window is judged once, on the run\'s last seconds, at its end';
  assert.equal(problem('Heartbeat.p99[last 1m] < 1s abortOnFail'), why);
  assert.throws(() => parseThreshold('Heartbeat.p99[last 1m] < 1s', NAMES, { source: 'test', abortOnFail: true }), { message: why });
});

test('a bad window in the scenario names its file and line; with --threshold, the flag', () => {
  const scenario = parseScenario('groups:\n  - name: cp\n    count: 3\n    ocpp: "1.6"\nthresholds:\n  - Heartbeat.p99 < 1s\n  - "Heartbeat.p99[last 90] < 1s"\n', 'soak.yaml');
  assert.throws(() => parseRunThresholds(scenario, [], ['cp']), (err: unknown) => {
    assert.ok(err instanceof ScenarioError);
    assert.equal(err.message, 'soak.yaml:7: thresholds[1]: "Heartbeat.p99[last 90] < 1s": the window "[last 90]" needs a duration with its unit, such as 10m, 30s or 1h');
    return true;
  });
  assert.throws(() => parseRunThresholds(parseScenario('groups:\n  - name: cp\n    count: 3\n    ocpp: "1.6"\n', 'soak.yaml'), ['errors.rate[last 5m] < 1%'], ['cp']), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /^--threshold "errors\.rate\[last 5m\] < 1%": errors\.rate has no window: /);
    return true;
  });
  const ok = parseRunThresholds(parseScenario('groups:\n  - name: cp\n    count: 3\n    ocpp: "1.6"\nthresholds:\n  - "Heartbeat.p99[last 5m] < 1s"\n', 'soak.yaml'), [], ['cp']);
  assert.equal(ok[0]?.window?.lastMs, 300_000);
  assert.equal(ok[0]?.source, 'soak.yaml:6');
});

/**
 * Ten seconds of a run: 100 Heartbeats a second at 1 ms in seconds 0–7, nothing in second 8, then
 * in second 9 one at 900 ms and nine at 2 ms; one timeout in second 9; a connect in second 0 (5 ms)
 * and one in second 9 (1.2 s). The whole run's p99 is 2 ms; its last seconds' is 900 ms.
 */
function slowEnd(): Aggregator {
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['urban'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const hb = actionCode('Heartbeat');
  for (let s = 0; s < 8; s++) for (let i = 0; i < 100; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 1000, 800, s * 1000 + i);
  agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 900_000, 900_000, 9100);
  for (let i = 0; i < 9; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, hb), 2000, 1500, 9200 + i);
  agg.ingest(packHeader(RecordKind.CallTimeout, 0, hb), 0, 0, 9300);
  agg.ingest(packHeader(RecordKind.ConnectOk, 0, 0), 5000, 0, 10);
  agg.ingest(packHeader(RecordKind.ConnectOk, 0, 0), 1_200_000, 0, 9400);
  // As writeRunResults does before it judges: the last seconds close into the interval log.
  agg.finish();
  return agg;
}

function evaluate(texts: string[], elapsedMs = 9_700): ThresholdResult[] {
  return evaluateThresholds(texts.map((t) => parseThreshold(t, NAMES, { source: 'test' })), { aggregator: slowEnd(), elapsedMs });
}

test('the whole run passes, its last seconds fail: values from the interval histograms of those seconds alone', () => {
  const [whole, last2, last1, service, connectWhole, connectLast] = evaluate([
    'Heartbeat.p99 < 500ms', 'Heartbeat.p99[last 2s] < 500ms', 'Heartbeat.max[last 1s] < 500ms', 'Heartbeat.service.p50[last 2s] < 500ms',
    'connect.p99 < 1s', 'connect.p99[last 3s] < 1s',
  ]) as ThresholdResult[];
  assert.equal(whole?.verdict, 'pass');
  assert.ok(whole?.value !== null && whole.value <= 2.001, `whole-run p99 ${whole?.value}`);
  assert.equal(whole?.samples, 810);
  assert.equal(whole?.window, undefined);
  // The run ended at 9.7 s: [last 2s] is seconds 8 and 9 (8.0 s – 9.7 s), 10 Heartbeats, p99 the slow one.
  // Read back from the log, a histogram knows its largest value to HDR's three digits (900.095 ms).
  const near = (v: number | null | undefined, ms: number): boolean => v !== null && v !== undefined && Math.abs(v - ms) <= ms * 0.001;
  assert.deepEqual({ verdict: last2?.verdict, samples: last2?.samples, window: last2?.window }, { verdict: 'fail', samples: 10, window: { fromMs: 8000, toMs: 9700 } });
  assert.ok(near(last2?.value, 900), `p99 of the last 2 s: ${last2?.value}`);
  assert.deepEqual({ verdict: last1?.verdict, window: last1?.window }, { verdict: 'fail', window: { fromMs: 9000, toMs: 9700 } });
  assert.ok(near(last1?.value, 900), `max of the last second: ${last1?.value}`);
  assert.ok(near(service?.value, 1.5), `the service time has its own histograms: ${service?.value}`);
  assert.equal(connectWhole?.verdict, 'fail', 'p99 of two connects is the slower one');
  assert.ok(near(connectLast?.value, 1200), `connect: ${connectLast?.value}`);
  assert.equal(connectLast?.samples, 1);
  const text = formatThresholds([whole as ThresholdResult, last2 as ThresholdResult]);
  assert.match(text, /✗ Heartbeat\.p99\[last 2s\] < 500ms\s+900\.\d+ ms  FAIL/);
  assert.match(describeResult(last2 as ThresholdResult), /^Heartbeat\.p99\[last 2s\] = 900\.\d+ ms, expected < 500 ms \(10 samples\), over seconds 8–9\.7 of the run$/);
});

test('calls and timeouts over a window count what its seconds counted; a rate is over the time covered', () => {
  const [count, rate, timeouts, wholeTimeouts] = evaluate(['calls.count[last 2s] == 11', 'calls.rate[last 2s] > 1/s', 'timeouts.count[last 1s] == 0', 'timeouts.count == 1']) as ThresholdResult[];
  assert.equal(count?.value, 11, '10 answered and 1 timed out in seconds 8–9');
  assert.equal(count?.verdict, 'pass');
  // 11 calls over 1.7 s (8.0 s to the end at 9.7 s).
  assert.equal(rate?.value, Math.round((11 / 1.7) * 1000) / 1000);
  assert.equal(timeouts?.value, 1);
  assert.equal(timeouts?.verdict, 'fail');
  assert.equal(wholeTimeouts?.verdict, 'pass');
});

test('a window with nothing in it is "no samples", never a pass, and says which seconds it looked at', () => {
  // Ended at 8.5 s: [last 1s] is second 8, which had no call at all.
  const [empty, rate] = evaluate(['Heartbeat.p99[last 1s] < 500ms', 'calls.rate[last 1s] < 1000/s'], 8_500) as ThresholdResult[];
  assert.deepEqual({ verdict: empty?.verdict, value: empty?.value, samples: empty?.samples }, { verdict: 'no samples', value: null, samples: 0 });
  assert.equal(describeResult(empty as ThresholdResult), 'Heartbeat.p99[last 1s]: no samples (nothing in the window, seconds 8–8.5 of the run), expected < 500 ms');
  assert.equal(rate?.value, 0, 'a rate of no calls is 0/s, a value');
  // A window longer than the run covers all of it: the whole run's value.
  const [all] = evaluate(['Heartbeat.p99[last 1h] < 500ms']) as ThresholdResult[];
  assert.deepEqual({ samples: all?.samples, window: all?.window }, { samples: 810, window: { fromMs: 0, toMs: 9700 } });
  assert.ok(all?.value !== null && all?.value !== undefined && all.value <= 2.002, `p99 over the whole run: ${all?.value}`);
});
