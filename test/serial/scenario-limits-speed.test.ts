import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/load';

/**
 * The scenario checks' cost, bounded above: a hostile file (4,100 groups, a 10^7-value alias
 * bomb, deep nesting) is refused in well under 5 s, and 4,095 groups from one anchor load in under
 * 10 s. Bounds on time hold only on a machine not busy with other test files, so these run in
 * test/serial/, one file at a time, ahead of the other (niced) test files; test/unit/scenario-limits checks the messages.
 */
const ROOT = join(__dirname, '..', '..', '..');

for (const name of ['bad-too-many-groups.yaml', 'bad-yaml-alias-bomb.yaml', 'bad-yaml-nesting.yaml']) {
  test(`${name} is refused early`, () => {
    const file = relative(process.cwd(), join(ROOT, 'test', 'fixtures', 'scenarios', name));
    const started = Date.now();
    assert.throws(() => loadScenarioFile(file), ScenarioError);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
}

test('groups derived from one anchor stay well within the alias budget', () => {
  const lines = ['groups:', '  - &g {name: g0, count: 1, ocpp: "1.6", ramp: all, sessions: {idle: 5s, measurands: [Energy.Active.Import.Register]}}'];
  for (let i = 1; i < 4095; i++) lines.push(`  - {<<: *g, name: g${i}}`);
  const started = Date.now();
  const s = parseScenario(`${lines.join('\n')}\n`, 'many.yaml');
  assert.equal(s.groups.length, 4095);
  assert.equal(s.groups[4094]?.sessions.arrival.kind, 'poisson');
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});
