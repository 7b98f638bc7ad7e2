import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPACITY_DEFAULTS, MAX_CAPACITY_STATIONS, resolveCapacityConfig, type CapacityOptions } from '../../src/capacity/options';
import { capacity, RunOptionError, ScenarioError, UsageError } from '../../src/index';

/**
 * capacity()'s options are checked once, up front, each with a message naming it (piscina's
 * test/option-validation.ts: one case per message). Nothing here starts a CSMS or a worker.
 */
const SCENARIO = {
  name: 'capacity-options',
  duration: '5s',
  groups: [
    { name: 'ac', count: 3, ocpp: '1.6', identity: 'CAPO-AC-{index:05}', ramp: 'all' },
    { name: 'dc', count: 1, ocpp: '2.0.1', identity: 'CAPO-DC-{index:05}', ramp: 'all' },
  ],
};
const SLO = ['TransactionEvent.p99 < 500ms'];

function options(extra: Record<string, unknown>): CapacityOptions {
  return { scenario: SCENARIO, slo: SLO, ...extra } as CapacityOptions;
}

const BAD: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
  ['slo missing', { slo: undefined }, /^options\.slo must be an array of at least one SLO such as "TransactionEvent\.p99 < 500ms"$/],
  ['slo empty', { slo: [] }, /^options\.slo must be an array of at least one SLO/],
  ['slo a string', { slo: 'TransactionEvent.p99 < 500ms' }, /^options\.slo must be an array/],
  ['slo blank', { slo: ['  '] }, /^options\.slo must be an array/],
  ['min', { min: 0 }, /^options\.min must be a whole number from 1 to 19000, got 0$/],
  ['min', { min: 2.5 }, /^options\.min must be a whole number/],
  ['max', { max: 19_001 }, /^options\.max must be a whole number from 1 to 19000, got 19001$/],
  ['hold', { hold: '500ms' }, /^options\.hold must be a duration such as "30s" or "500ms" \(a number is ms\) from 1000 ms to 24\.8 days/],
  ['hold', { hold: 999 }, /^options\.hold must be a duration .* got 999$/],
  ['hold', { hold: 'soon' }, /^options\.hold must be a duration .* got "soon"$/],
  ['warmup', { warmup: -1 }, /^options\.warmup must be a duration .* from 0 ms/],
  ['warmup', { warmup: '600h' }, /^options\.warmup must be a duration/],
  ['settle', { settle: -1 }, /^options\.settle must be a duration .* from 0 ms/],
  ['settle', { settle: 'later' }, /^options\.settle must be a duration .* got "later"$/],
  ['generatorLimits', { generatorLimits: 50 }, /^options\.generatorLimits must be an object such as \{eventLoopDelayP99Ms: 100\}$/],
  ['generatorLimits', { generatorLimits: { cpu: 0.5 } }, /^options\.generatorLimits\.cpu is not a generator limit \(eventLoopDelayP99Ms, schedulerLagP99Ms, cpuPerWorker\)$/],
  ['generatorLimits', { generatorLimits: { cpuPerWorker: 1.5 } }, /^options\.generatorLimits\.cpuPerWorker must be a share of one core above 0 and at most 1, got 1\.5$/],
  ['generatorLimits', { generatorLimits: { schedulerLagP99Ms: 0 } }, /^options\.generatorLimits\.schedulerLagP99Ms must be a number of ms above 0 and at most 60000, got 0$/],
  ['ramp', { ramp: '0/s' }, /^options\.ramp must be a rate of stations above 0 and at most 100,000\/s such as "500\/s", got "0\/s"$/],
  ['ramp', { ramp: 200_000 }, /^options\.ramp must be a rate/],
  ['precision', { precision: 0 }, /^options\.precision must be a fraction above 0 and at most 0\.5 \(0\.05: within 5 %\), got 0$/],
  ['precision', { precision: 0.6 }, /^options\.precision must be a fraction/],
  ['precision', { precision: '5%' }, /^options\.precision must be a fraction .* got 5%$/],
  ['growth', { growth: 1 }, /^options\.growth must be a factor above 1 and at most 10, got 1$/],
  ['growth', { growth: 11 }, /^options\.growth must be a factor/],
  ['onStep', { onStep: 'print' }, /^options\.onStep must be a function$/],
  ['cps', { cps: 100 }, /^options\.cps is not an option of capacity\(\): the search sets the fleet size itself \(min, max\)$/],
  ['duration', { duration: '1m' }, /^options\.duration is not an option of capacity\(\): the search decides how long it runs/],
  ['thresholds', { thresholds: ['x'] }, /^options\.thresholds is not an option of capacity\(\): give the criteria as slo/],
  ['shard', { shard: '1/2' }, /^options\.shard is not an option of capacity\(\): a capacity search does not run sharded yet/],
  ['maxRate', { maxRate: '10/s' }, /^options\.maxRate is not an option of capacity\(\)/],
  ['junit', { junit: 'x.xml' }, /^options\.junit is not an option of capacity\(\)/],
  ['history', { history: 'perf-history' }, /^options\.history is not an option of capacity\(\): a search is no night to compare with another/],
  ['maxStations', { maxStations: 10 }, /^options\.maxStations is not an option of capacity\(\): it is max$/],
  ['an unknown option', { slos: SLO }, /^options\.slos is not an option of capacity\(\)$/],
  // The run's own options, checked as run() checks them.
  ['workers', { workers: 65 }, /^options\.workers must be a whole number from 1 to 64, got 65$/],
  ['url', { url: 'http://x' }, /^options\.url must start with ws:\/\/ or wss:\/\//],
  ['signal', { signal: 'stop' }, /^options\.signal must be an AbortSignal$/],
];

for (const [name, extra, message] of BAD) {
  test(`a bad ${name} is a TypeError naming it: ${JSON.stringify(extra)}`, () => {
    assert.throws(
      () => resolveCapacityConfig(options(extra)),
      (err: unknown) => err instanceof RunOptionError && err instanceof TypeError && message.test(err.message),
    );
  });
}

test('a wrong combination or SLO is a UsageError naming it', () => {
  const usage = (extra: Record<string, unknown>, message: RegExp): void => {
    assert.throws(() => resolveCapacityConfig(options(extra)), (e: unknown) => e instanceof UsageError && message.test(e.message), JSON.stringify(extra));
  };
  usage({ min: 100, max: 10 }, /^options\.max \(10\) is below options\.min \(100\): the search grows from min to max$/);
  usage({ slo: ['Nope.p99 < 1s'] }, /^--slo "Nope\.p99 < 1s": unknown metric "Nope"/);
  usage({ slo: ['TransactionEvent.p99 < 500ms abortOnFail'] }, /^--slo "TransactionEvent\.p99 < 500ms abortOnFail": abortOnFail means nothing here/);
  usage({ slo: ['TransactionEvent.p99[last 1m] < 500ms'] }, /^--slo "TransactionEvent\.p99\[last 1m\] < 500ms": \[last 1m\] means nothing here: each step is judged on its own window \(--hold\)$/);
  usage({ slo: ['p99(TransactionEvent) < 500ms'] }, /^--slo "p99\(TransactionEvent\) < 500ms": .*\(write the metric first: "TransactionEvent\.p99"\)$/);
  usage({ slo: ['group:hpc.TransactionEvent.p99 < 1s'] }, /^--slo "group:hpc\.TransactionEvent\.p99 < 1s": unknown group "hpc"; the scenario's groups are ac, dc$/);
  usage({ health: ['conected=90%'] }, /^options\.health takes check=limit/);
});

test('the scenario is checked at the largest size the search may reach: identities too long at max are refused up front', () => {
  // 44 characters before the index: 48 (the most) up to 9,999 stations, 49 at 10,000.
  const long = { ...SCENARIO, groups: [{ name: 'g', count: 5, ocpp: '1.6', identity: `${'L'.repeat(44)}{index}`, ramp: 'all' }] };
  assert.throws(() => resolveCapacityConfig({ scenario: long, slo: SLO }), (e: unknown) => e instanceof ScenarioError && /49 characters/.test(e.message));
  assert.doesNotThrow(() => resolveCapacityConfig({ scenario: long, slo: SLO, max: 9999 }));
});

test('capacity() refuses bad options before anything starts (a rejected promise, not a run)', async () => {
  await assert.rejects(capacity(options({ min: 0 })), RunOptionError);
  await assert.rejects(capacity(options({ slo: ['Nope.p99 < 1s'] })), UsageError);
});

test('defaults, and what the live run is given: the run options as they came, maxStations = max', () => {
  const signal = new AbortController().signal;
  const config = resolveCapacityConfig({ scenario: SCENARIO, slo: [...SLO, 'group:dc.errors.rate < 1%'], seed: 42, signal, health: ['incompleteCalls=2'] });
  assert.deepEqual(config.search, { min: CAPACITY_DEFAULTS.min, max: MAX_CAPACITY_STATIONS, precision: 0.05, growth: 2 });
  assert.equal(config.holdMs, 30_000);
  assert.equal(config.warmupMs, 5_000);
  assert.equal(config.settleMs, 60_000);
  assert.deepEqual(config.generatorLimits, { eventLoopDelayP99Ms: 50, schedulerLagP99Ms: 50, cpuPerWorker: 0.9 });
  assert.equal(config.rampPerSecond, 500);
  assert.deepEqual(config.slos.map((s) => [s.text, s.metric, s.source, s.limit]), [
    ['TransactionEvent.p99 < 500ms', 'TransactionEvent.p99', '--slo', 500],
    ['group:dc.errors.rate < 1%', 'group:dc.errors.rate', '--slo', 1],
  ]);
  assert.equal(config.run.seed, 42);
  assert.equal(config.run.plan.stations.length, MAX_CAPACITY_STATIONS, 'planned at max, in the scenario\'s mix');
  assert.equal(config.live.maxStations, MAX_CAPACITY_STATIONS);
  assert.equal(config.live.seed, 42);
  assert.equal(config.live.signal, signal);
  assert.deepEqual(config.live.health, ['incompleteCalls=2']);
  assert.ok(!('slo' in config.live) && !('min' in config.live), 'the search\'s own options stay with the search');
  const given = resolveCapacityConfig(options({ min: 50, max: 400, hold: '10s', warmup: 0, settle: '0s', ramp: '2000/m', precision: 0.1, growth: 1.5, generatorLimits: { cpuPerWorker: 0.5 } }));
  assert.equal(given.settleMs, 0);
  assert.deepEqual(given.generatorLimits, { eventLoopDelayP99Ms: 50, schedulerLagP99Ms: 50, cpuPerWorker: 0.5 }, 'the limits not given keep their defaults');
  assert.deepEqual(given.search, { min: 50, max: 400, precision: 0.1, growth: 1.5 });
  assert.equal(given.holdMs, 10_000);
  assert.equal(given.warmupMs, 0);
  assert.ok(Math.abs(given.rampPerSecond - 2000 / 60) < 1e-9);
  assert.equal(given.live.maxStations, 400);
});
