import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitCode, exitCodeOf, resolveRunConfig, run, RunOptionError, ScenarioError, UsageError, type RunReason, type RunSettings } from '../../src/index';

/**
 * run()'s options are checked once, up front, each with a message naming it (piscina's
 * test/option-validation.ts: one case per message). Nothing here starts a CSMS or a worker.
 */
const SCENARIO = {
  name: 'options',
  duration: '5s',
  groups: [{ name: 'g', count: 10, ocpp: '1.6', identity: 'OPT-{index:02}', ramp: 'all' }],
};

const BAD: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
  ['cps', { cps: 0 }, /^options\.cps must be a whole number from 1 to 1000000, got 0$/],
  ['cps', { cps: 2.5 }, /^options\.cps must be a whole number/],
  ['workers', { workers: 65 }, /^options\.workers must be a whole number from 1 to 64, got 65$/],
  ['seed', { seed: -1 }, /^options\.seed must be a whole number from 0 to 4294967295/],
  ['duration', { duration: 30 }, /^options\.duration must be a duration with its unit such as "30s"/],
  ['duration', { duration: '600h' }, /^options\.duration must be at most 24\.8 days/],
  ['url', { url: 'http://x' }, /^options\.url must start with ws:\/\/ or wss:\/\//],
  ['url', { url: 'ws://user:pw@host' }, /^options\.url must not carry credentials/],
  ['url', { url: [] }, /^options\.url must name at least one URL$/],
  ['shard', { shard: '5/4' }, /^options\.shard must be "I\/N" or \{ index, count \}/],
  ['maxRate', { maxRate: '0/s' }, /^options\.maxRate must be a rate above 0/],
  ['localAddress', { localAddress: ['not-an-ip'] }, /^options\.localAddress must be IP addresses, got "not-an-ip"$/],
  ['thresholds', { thresholds: 'p99 < 1s' }, /^options\.thresholds must be an array of strings$/],
  ['metricsPort', { metricsPort: 70000 }, /^options\.metricsPort must be a whole number from 0 to 65535/],
  ['out', { out: '' }, /^options\.out must be a non-empty string$/],
  ['yes', { yes: 'y' }, /^options\.yes must be a boolean, got string$/],
  ['insecure', { insecure: 1 }, /^options\.insecure must be a boolean/],
  ['ca', { ca: 7 }, /^options\.ca must be a non-empty string$/],
  ['history', { history: '' }, /^options\.history must be a non-empty string$/],
  ['historyKeep', { history: 'h', historyKeep: 0 }, /^options\.historyKeep must be a whole number from 1 to 100000, got 0$/],
  ['an unknown option', { cpss: 10 }, /^options\.cpss is not an option of run\(\)$/],
];

for (const [name, options, message] of BAD) {
  test(`a bad ${name} is a TypeError naming it: ${JSON.stringify(options)}`, () => {
    assert.throws(
      () => resolveRunConfig(SCENARIO, options as RunSettings),
      (err: unknown) => err instanceof RunOptionError && err instanceof TypeError && message.test(err.message),
    );
  });
}

test('a wrong combination or value in words is a UsageError naming the option', () => {
  assert.throws(() => resolveRunConfig(SCENARIO, { health: ['conected=90%'] }), (e: unknown) => e instanceof UsageError && /^options\.health takes check=limit/.test(e.message));
  assert.throws(() => resolveRunConfig(SCENARIO, { thresholds: ['Nope.p99 < 1s'] }), (e: unknown) => e instanceof UsageError && /^--threshold "Nope\.p99 < 1s"/.test(e.message));
  assert.throws(() => resolveRunConfig(SCENARIO, { url: ['ws://127.0.0.1:1', 'wss://127.0.0.1:2'] }), (e: unknown) => e instanceof UsageError && /mix ws:\/\/ and wss:\/\//.test(e.message));
  assert.throws(() => resolveRunConfig(SCENARIO, { passwordEnv: 'OCPP_FLEET_UNSET_VARIABLE' }), (e: unknown) => e instanceof UsageError && /not set/.test(e.message));
  assert.throws(() => resolveRunConfig(SCENARIO, { historyKeep: 5 }), (e: unknown) => e instanceof UsageError && e.message === 'options.historyKeep needs options.history: the folder whose entries it keeps');
  assert.deepEqual(resolveRunConfig(SCENARIO, { history: 'h' }).history, { dir: 'h', keep: 100 });
});

test('a scenario object is checked by the file\'s own parser: located errors, the same schema', () => {
  assert.throws(
    () => resolveRunConfig({ ...SCENARIO, groups: [{ ...SCENARIO.groups[0], cout: 3 }] }),
    (e: unknown) => e instanceof ScenarioError && /^options\.scenario:\d+: .*cout/.test(e.message),
  );
  assert.throws(() => resolveRunConfig('test/fixtures/does-not-exist.yaml'), ScenarioError);
});

test('the config is resolved once and frozen: flags over the scenario, in their units', () => {
  const config = resolveRunConfig(SCENARIO, {
    cps: 20, duration: '3s', workers: 2, seed: 7, shard: '2/4', maxRate: '600/m', health: ['booted=off', 'unreachableAfter=2s'],
    url: 'ws://127.0.0.1:9/ocpp/', thresholds: ['BootNotification.p99 < 1s'],
  });
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.thresholds));
  assert.equal(config.durationMs, 3000);
  assert.equal(config.workers, 2);
  assert.equal(config.seed, 7);
  assert.deepEqual(config.shard, { index: 2, count: 4 });
  assert.equal(config.plan.stations.length, 5, 'a quarter of 20');
  assert.equal(config.maxRatePerSec, 10);
  assert.deepEqual(config.remoteTargets, ['ws://127.0.0.1:9/ocpp']);
  assert.equal(config.health.limits.booted, null);
  assert.equal(config.health.unreachableAfterMs, 2000);
  assert.equal(config.thresholds.length, 1);
  assert.throws(() => {
    (config as { workers: number }).workers = 3;
  }, TypeError);
});

test('the exit code is a function of the reason: the CLI\'s table, for a library user too', () => {
  const table: Record<RunReason, number> = { passed: 0, failed: 1, abortOnFail: 1, csmsDied: 3, processDied: 3, unreachable: 3, interrupted: 3, noConnection: 3 };
  for (const [reason, code] of Object.entries(table)) assert.equal(exitCodeOf(reason as RunReason), code, reason);
  assert.deepEqual([ExitCode.Ok, ExitCode.ThresholdsFailed, ExitCode.Usage, ExitCode.Aborted], [0, 1, 2, 3]);
});

test('run() refuses bad hooks before anything starts', async () => {
  await assert.rejects(run({ scenario: SCENARIO, onProgress: 5 as unknown as () => void }), /^RunOptionError: options\.onProgress must be a function$/);
  await assert.rejects(run({ scenario: SCENARIO, signal: {} as AbortSignal }), /options\.signal must be an AbortSignal/);
  await assert.rejects(run({ scenario: SCENARIO, hardStop: 'now' as unknown as boolean }), /options\.hardStop must be a boolean or an AbortSignal/);
});
