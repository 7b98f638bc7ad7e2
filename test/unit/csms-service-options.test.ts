import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CSMS_FLAGS, resolveCsmsOptions, type CsmsOptions } from '../../src/csms/options';
import { embeddedCsmsOptions } from '../../src/run/csms-supervision';
import { parseScenario, ScenarioError } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { planText } from '../../src/scenario/plan-text';

/**
 * `serviceTimeMs` and `servers`, the CSMS of known capacity: one precise message per rule, through
 * each door (the options, the CLI's flag names, a scenario's `csms:` block).
 */
describe('service queue options of the embedded CSMS', () => {
  test('off by default; on with a service time, one server unless told', () => {
    const off = resolveCsmsOptions({ port: 0 });
    assert.equal(off.serviceTimeMs, 0);
    assert.equal(off.servers, 1);
    const on = resolveCsmsOptions({ port: 0, serviceTimeMs: 4, servers: 2 });
    assert.equal(on.serviceTimeMs, 4);
    assert.equal(on.servers, 2);
    assert.equal(resolveCsmsOptions({ port: 0, serviceTimeMs: 0.5 }).serviceTimeMs, 0.5, 'a fraction of a ms is a capacity too');
    // The child launcher passes every option as a flag: off (0) with the default delay is fine.
    assert.equal(resolveCsmsOptions({ port: 0, serviceTimeMs: 0, servers: 1, delayMs: 20 }).delayMs, 20);
  });

  const bad: [string, CsmsOptions, string][] = [
    ['a negative service time', { port: 0, serviceTimeMs: -1 }, 'options.serviceTimeMs must be a number >= 0 and <= 2147483647, got -1'],
    ['a service time that is no number', { port: 0, serviceTimeMs: NaN }, 'options.serviceTimeMs must be a number >= 0 and <= 2147483647, got NaN'],
    ['an endless service time', { port: 0, serviceTimeMs: Infinity }, 'options.serviceTimeMs must be a number >= 0 and <= 2147483647, got Infinity'],
    ['a service time as a string', { port: 0, serviceTimeMs: '4' as unknown as number }, 'options.serviceTimeMs must be a number >= 0 and <= 2147483647, got "4"'],
    ['no server', { port: 0, serviceTimeMs: 4, servers: 0 }, 'options.servers must be an integer from 1 to 10000, got 0'],
    ['half a server', { port: 0, serviceTimeMs: 4, servers: 1.5 }, 'options.servers must be an integer from 1 to 10000, got 1.5'],
    ['too many servers', { port: 0, serviceTimeMs: 4, servers: 10_001 }, 'options.servers must be an integer from 1 to 10000, got 10001'],
    [
      'a service time with a delay',
      { port: 0, serviceTimeMs: 4, delayMs: 20 },
      'options.serviceTimeMs and options.delayMs cannot be combined: the service queue answers each call when its service ends (give one or the other)',
    ],
    [
      'a service time with a jitter',
      { port: 0, serviceTimeMs: 4, jitterMs: 5 },
      'options.serviceTimeMs and options.jitterMs cannot be combined: the service queue answers each call when its service ends (give one or the other)',
    ],
    ['servers with no service time', { port: 0, servers: 2 }, 'options.servers needs options.serviceTimeMs: servers with no service time have nothing to model'],
  ];
  for (const [what, options, message] of bad) {
    test(`refuses ${what}`, () => {
      assert.throws(() => resolveCsmsOptions(options), (err: unknown) => err instanceof TypeError && err.message === message);
    });
  }

  test('from the CLI the two options that do not go together are named by their flags', () => {
    assert.throws(
      () => resolveCsmsOptions({ port: 0, serviceTimeMs: 4, delayMs: 20 }, (key) => CSMS_FLAGS[key]),
      /^TypeError: --service-time-ms and --delay-ms cannot be combined/,
    );
    assert.throws(() => resolveCsmsOptions({ port: 0, servers: 3 }, (key) => CSMS_FLAGS[key]), /^TypeError: --servers needs --service-time-ms:/);
    assert.equal(CSMS_FLAGS.serviceTimeMs, '--service-time-ms');
    assert.equal(CSMS_FLAGS.servers, '--servers');
  });
});

describe("a scenario's csms: serviceTime and servers", () => {
  const GROUPS = 'groups:\n  - { name: g, count: 1, ocpp: "1.6" }\n';

  test('are read as written and reach the embedded CSMS as they are (never divided by timeScale)', () => {
    const s = parseScenario(`timeScale: 60\ncsms: {serviceTime: 4ms, servers: 2}\n${GROUPS}`, 't.yaml');
    assert.deepEqual(s.csms, { nodes: 1, serviceTimeMs: 4, servers: 2 });
    assert.deepEqual(embeddedCsmsOptions(s), { nodes: 1, serviceTimeMs: 4, servers: 2 });
    const one = parseScenario(`csms: {serviceTime: 2.5ms}\n${GROUPS}`, 't.yaml');
    assert.deepEqual(embeddedCsmsOptions(one), { nodes: 1, serviceTimeMs: 2.5 });
    // The same options are accepted by the CSMS itself.
    assert.equal(resolveCsmsOptions({ port: 0, ...embeddedCsmsOptions(s) }).servers, 2);
  });

  test('the printed plan gives the capacity', () => {
    const s = parseScenario(`csms: {serviceTime: 4ms, servers: 2}\n${GROUPS}`, 't.yaml');
    const text = planText(planFleet(s, s.seed), { workers: 1, durationMs: 60_000 });
    assert.match(text, /^target: the embedded CSMS \(only without --url\): 2 servers of 4 ms a call \(capacity 500 calls\/s\)$/m);
  });

  const bad: [string, string][] = [
    ['csms: {serviceTime: 4ms, delay: 20ms}', 't.yaml:1: csms.serviceTime: cannot be combined with csms.delay: the service queue answers each call when its service ends (give one or the other)'],
    ['csms:\n  jitter: 5ms\n  serviceTime: 4ms', 't.yaml:3: csms.serviceTime: cannot be combined with csms.jitter: the service queue answers each call when its service ends (give one or the other)'],
    ['csms: {serviceTime: 0ms}', 't.yaml:1: csms.serviceTime: expected more than 0s (leave it out for a CSMS that answers at once), got "0ms"'],
    ['csms:\n  nodes: 1\n  servers: 2', 't.yaml:3: csms.servers: needs csms.serviceTime: servers with no service time have nothing to model'],
  ];
  for (const [yaml, message] of bad) {
    test(`refuses ${yaml.replace(/\n\s*/g, ' ')}`, () => {
      assert.throws(
        () => parseScenario(`${yaml}\n${GROUPS}`, 't.yaml'),
        (err: unknown) => err instanceof ScenarioError && err.message === message,
      );
    });
  }

  test('the schema holds servers to 1..10000 and serviceTime to a duration', () => {
    for (const yaml of ['csms: {serviceTime: 4ms, servers: 0}', 'csms: {serviceTime: 4ms, servers: 1.5}', 'csms: {serviceTime: 4ms, servers: 10001}']) {
      assert.throws(() => parseScenario(`${yaml}\n${GROUPS}`, 't.yaml'), (err: unknown) => err instanceof ScenarioError && /csms\.servers/.test(err.message), yaml);
    }
    assert.throws(() => parseScenario(`csms: {serviceTime: fast}\n${GROUPS}`, 't.yaml'), (err: unknown) => err instanceof ScenarioError && /csms\.serviceTime/.test(err.message));
  });
});

test('delayActions: action names separated by commas, or empty for every action; anything else refused naming it', () => {
  assert.equal(resolveCsmsOptions({ port: 0, delayMs: 5, delayActions: 'BootNotification, StatusNotification' }).delayActions, 'BootNotification, StatusNotification');
  assert.equal(resolveCsmsOptions({ port: 0 }).delayActions, '');
  for (const bad of ['boot notification', 'BootNotification,', ',', 'Boot-Notification']) {
    assert.throws(() => resolveCsmsOptions({ port: 0, delayMs: 5, delayActions: bad }), /options\.delayActions must be action names separated by commas/, bad);
  }
});

test('csms.delayActions in a scenario: handed to the embedded CSMS as its flag, said in the plan, a bad name located', () => {
  const scenario = parseScenario('csms: {delay: 5ms, delayActions: [BootNotification]}\ngroups:\n  - {name: a, count: 2, ocpp: "1.6"}\n', 'boots.yaml');
  assert.deepEqual(embeddedCsmsOptions(scenario), { nodes: 1, delayMs: 5, delayActions: 'BootNotification' });
  assert.match(planText(planFleet(scenario, 1), { workers: 1, durationMs: scenario.durationMs }), /target: the embedded CSMS \(only without --url\): answers to BootNotification after 5ms ± 0s/);
  assert.throws(
    () => parseScenario('csms: {delay: 5ms, delayActions: [boot]}\ngroups:\n  - {name: a, count: 2, ocpp: "1.6"}\n', 'boots.yaml'),
    (err: unknown) => err instanceof ScenarioError && /^boots\.yaml:1: csms\.delayActions\[0\]: /.test(err.message),
  );
});
