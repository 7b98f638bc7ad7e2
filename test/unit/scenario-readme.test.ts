import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { planText } from '../../src/scenario/plan-text';

const README = join(__dirname, '..', '..', '..', 'scenarios', 'README.md');

test('every YAML example of scenarios/README.md is a valid scenario with a plan', () => {
  const blocks = [...readFileSync(README, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.ok(blocks.length >= 1);
  for (const yaml of blocks) {
    const s = parseScenario(yaml, 'README.md');
    const plan = planFleet(s, s.seed);
    assert.ok(plan.stations.length > 0, s.name);
    assert.match(planText(plan, { workers: 2, durationMs: s.durationMs }), /expected calls per second/);
  }
});
