import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { collectHealth } from '../../src/cli/health-option';
import { describeHealthSettings, HEALTH_CHECKS, resolveHealth, type HealthOverrides } from '../../src/scenario/health';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/load';
import { fixture } from '../helpers/scenario-fixtures';

const GROUPS = `
groups:
  - name: cp
    count: 3
    ocpp: "1.6"
`;

test('without a health block: every default in force, fail fast after 10 s', () => {
  const s = parseScenario(GROUPS, 'x.yaml');
  assert.equal(s.health, undefined);
  assert.deepEqual(describeHealthSettings(resolveHealth(s.health)), {
    connected: 100, booted: 100, incompleteCalls: 1, openTransactions: 0, csmsAlive: 1, eventLoopDelay: 200, schedulerLag: 200, unreachableAfterMs: 10_000,
  });
});

test('a health block: limits in each check\'s unit, off, and unreachableAfter; the flags override it', () => {
  const s = parseScenario(
    `
health:
  connected: 95
  booted: "99.5%"
  incompleteCalls: 0.5
  openTransactions: 3
  csmsAlive: off
  eventLoopDelay: 1s
  schedulerLag: 350
  unreachableAfter: 1m
${GROUPS}`,
    'x.yaml',
  );
  const settings = resolveHealth(s.health);
  assert.deepEqual(settings.limits, { connected: 95, booted: 99.5, incompleteCalls: 0.5, openTransactions: 3, csmsAlive: null, eventLoopDelay: 1000, schedulerLag: 350 });
  assert.equal(settings.unreachableAfterMs, 60_000);
  const flags = ['booted=off', 'connected=100%', 'unreachableAfter=off', 'csmsAlive=1'].reduce<HealthOverrides[]>((all, text) => collectHealth(text, all), []);
  const both = resolveHealth(s.health, ...flags);
  assert.deepEqual([both.limits.booted, both.limits.connected, both.limits.csmsAlive, both.unreachableAfterMs, both.limits.openTransactions], [null, 100, 1, null, 3]);
  const allOff = resolveHealth(s.health, ...collectHealth('off', []));
  assert.deepEqual(HEALTH_CHECKS.map((c) => allOff.limits[c]), HEALTH_CHECKS.map(() => null));
  assert.equal(allOff.unreachableAfterMs, 60_000, '--health off leaves fail fast alone');
});

const BAD: ReadonlyArray<readonly [string, number, string]> = [
  ['bad-health-unknown.yaml', 6, 'health.boted: is not a known field; did you mean "booted"?'],
  ['bad-health-share.yaml', 5, 'health.connected: expected a share in percent from 0 to 100 such as 99 or "99.5%", or off, got 120'],
  ['bad-health-delay.yaml', 4, 'health.eventLoopDelay: expected a time such as 500 (ms), "500ms" or "2s", or off, got "fast"'],
  ['bad-health-unreachable.yaml', 4, 'health.unreachableAfter: expected a duration with its unit such as "10s" or "1m" (more than 0, at most 24 days), or off, got 10'],
  ['bad-health-count.yaml', 5, 'health.openTransactions: expected a whole number of 0 or more, or off, got 1.5'],
  ['bad-health-alive.yaml', 4, 'health.csmsAlive: expected 1 (the embedded CSMS lives to the end of the run), or off, got 0'],
];

for (const [name, line, message] of BAD) {
  test(`${name}: ${message}`, () => {
    const file = fixture(name);
    try {
      loadScenarioFile(file);
    } catch (err) {
      assert.ok(err instanceof ScenarioError, String(err));
      assert.equal(err.message, `${file}:${line}: ${message}`);
      return;
    }
    assert.fail('expected a ScenarioError');
  });
}

test('--health: a bad check or value is bad usage, named', () => {
  const bad = (text: string): string => {
    try {
      collectHealth(text, []);
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError);
      return err.message;
    }
    return assert.fail(`--health ${text} was accepted`);
  };
  assert.match(bad('conected=90'), /^--health takes check=limit or check=off \(checks: connected, booted, .*unreachableAfter\), or off, got "conected=90"$/);
  assert.match(bad('connected'), /^--health takes check=limit/);
  assert.equal(bad('schedulerLag=soon'), '--health schedulerLag: expected a time such as 500 (ms), "500ms" or "2s", or off, got "soon"');
  assert.equal(bad('unreachableAfter=0s'), '--health unreachableAfter: expected a duration with its unit such as "10s" or "1m" (more than 0, at most 24 days), or off, got "0s"');
});
