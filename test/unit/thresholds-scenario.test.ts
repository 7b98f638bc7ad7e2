import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, ScenarioError } from '../../src/scenario/load';

const GROUPS = `
groups:
  - name: cp
    count: 3
    ocpp: "1.6"
`;

function scenarioError(text: string): ScenarioError {
  try {
    parseScenario(text, 'fleet.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err;
  }
  assert.fail('the scenario was accepted');
}

test('a scenario without thresholds has none', () => {
  assert.deepEqual(parseScenario(GROUPS, 'fleet.yaml').thresholds, []);
});

test('thresholds are strings or mappings with abortOnFail, each kept with its line', () => {
  const s = parseScenario(
    `${GROUPS}thresholds:
  - BootNotification.p99 < 800ms
  - "errors.rate < 0.1%"
  - threshold: timeouts.count == 0
    abortOnFail: true
    abortGracePeriod: 30s
  - { threshold: "calls.rate > 10/s", abortOnFail: true }
`,
    'fleet.yaml',
  );
  assert.deepEqual(s.thresholds, [
    { text: 'BootNotification.p99 < 800ms', abortOnFail: false, abortGracePeriodMs: undefined, field: 'thresholds[0]', line: 7 },
    { text: 'errors.rate < 0.1%', abortOnFail: false, abortGracePeriodMs: undefined, field: 'thresholds[1]', line: 8 },
    { text: 'timeouts.count == 0', abortOnFail: true, abortGracePeriodMs: 30_000, field: 'thresholds[2]', line: 9 },
    { text: 'calls.rate > 10/s', abortOnFail: true, abortGracePeriodMs: undefined, field: 'thresholds[3]', line: 12 },
  ]);
});

test('a threshold item of the wrong shape is located', () => {
  assert.equal(scenarioError(`${GROUPS}thresholds:\n  - 5\n`).message, 'fleet.yaml:7: thresholds[0]: expected a string or a mapping of fields, got 5');
  assert.equal(scenarioError(`${GROUPS}thresholds: "errors.rate < 1%"\n`).message, 'fleet.yaml:6: thresholds: expected a list, got "errors.rate < 1%"');
  assert.match(scenarioError(`${GROUPS}thresholds:\n  - abortOnFail: true\n`).message, /^fleet\.yaml:7: thresholds\[0\]\.threshold: is required$/);
  assert.match(scenarioError(`${GROUPS}thresholds:\n  - threshold: x < 1\n    abortOnFial: true\n`).message, /^fleet\.yaml:8: thresholds\[0\]\.abortOnFial: is not a known field; did you mean "abortOnFail"\?$/);
});

test('a grace period without abortOnFail is refused: it would do nothing', () => {
  const e = scenarioError(`${GROUPS}thresholds:\n  - threshold: errors.rate < 1%\n    abortGracePeriod: 10s\n`);
  assert.equal(e.message, 'fleet.yaml:8: thresholds[0].abortGracePeriod: has no effect without "abortOnFail: true"');
});
