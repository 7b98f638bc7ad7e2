import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, ScenarioError } from '../../src/scenario/load';

const GROUPS = 'groups:\n  - { name: g, count: 1, ocpp: "1.6" }\n';

test('targets and the embedded CSMS settings are read as written', () => {
  const s = parseScenario(`targets: [wss://a.example/ocpp/, wss://b.example/ocpp]\ncsms: {nodes: 3}\n${GROUPS}`, 't.yaml');
  assert.deepEqual(s.targets, ['wss://a.example/ocpp', 'wss://b.example/ocpp']);
  assert.deepEqual(s.csms, { nodes: 3 });
  const none = parseScenario(GROUPS, 't.yaml');
  assert.equal(none.targets, undefined);
  assert.equal(none.csms, undefined);
});

test('a bad target names its line and field, and never quotes a password back', () => {
  const bad = (yaml: string, pattern: RegExp): void => {
    assert.throws(() => parseScenario(`${yaml}\n${GROUPS}`, 't.yaml'), (err: unknown) => {
      assert.ok(err instanceof ScenarioError);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  };
  bad('targets:\n  - ws://a.example\n  - wss://cp:s3cret@b.example', /^t\.yaml:3: targets\[1\]: must not carry credentials/);
  bad('targets: [http://a.example]', /t\.yaml:1: targets\[0\]: expected a ws:\/\/ or wss:\/\/ URL, got "http:\/\/a\.example"/);
  bad('targets: ["http://cp:s3cret@a.example"]', /targets\[0\]: expected a ws:\/\/ or wss:\/\/ URL, got "http:\/\/\*\*\*@a\.example"/);
  bad('targets: []', /targets/);
  bad('csms: {nodes: 0}', /csms\.nodes/);
  bad('csms: {port: 9000}', /csms.*not a known field/);
});
