import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitOverWorkers } from '../../src/coordinator/split';
import { faultSelects, type FaultSpec } from '../../src/scenario/faults';
import { parseScenario } from '../../src/scenario/load';
import { planFleet, shardPlan } from '../../src/scenario/plan';
import { planText } from '../../src/scenario/plan-text';

const SCENARIO = `
duration: 5m
faults:
  - at: 30s
    drop: {share: 0.3}
  - at: 1m
    restart: {share: 0.3}
    groups: [acquired]
groups:
  - { name: existing, count: 400, ocpp: "2.0.1" }
  - { name: acquired, count: 600, ocpp: "1.6" }
`;

/** The identities fault `index` hits when the fleet is dealt over `workers` workers, each deciding for its own stations. */
function hitBy(seed: number, workers: number, index: number): string[] {
  const scenario = parseScenario(SCENARIO, 'sel.yaml');
  const f = (scenario.faults ?? [])[index] as FaultSpec;
  const plan = planFleet(scenario, seed);
  const hit: string[] = [];
  for (const share of splitOverWorkers(plan, workers)) {
    for (const s of share) {
      const group = plan.groups[s.group]?.name ?? '';
      if (f.groups !== undefined && !f.groups.includes(group)) continue;
      if (faultSelects(f, s.seed, index)) hit.push(s.identity);
    }
  }
  return hit.sort();
}

test('a fault hits the same stations whether 1, 2 or 4 workers (or shards) run the fleet', () => {
  for (const index of [0, 1]) {
    const one = hitBy(7, 1, index);
    assert.deepEqual(hitBy(7, 2, index), one);
    assert.deepEqual(hitBy(7, 4, index), one);
  }
  // A share of 0.3 of 1000 stations, and of the 600 of the named group only.
  const drop = hitBy(7, 1, 0).length;
  assert.ok(drop > 250 && drop < 350, `drop hits ${drop}`);
  const restart = hitBy(7, 1, 1);
  assert.ok(restart.length > 140 && restart.length < 220, `restart hits ${restart.length}`);
  assert.ok(restart.every((id) => id.startsWith('acquired-')));
  // Shards decide the same way: their union is the whole run's choice.
  const scenario = parseScenario(SCENARIO, 'sel.yaml');
  const plan = planFleet(scenario, 7);
  const f = (scenario.faults ?? [])[0] as FaultSpec;
  const sharded = [1, 2, 3]
    .flatMap((i) => shardPlan(plan, { index: i, count: 3 }).stations.filter((s) => faultSelects(f, s.seed, 0)).map((s) => s.identity))
    .sort();
  assert.deepEqual(sharded, hitBy(7, 1, 0));
});

test("the selection depends on the seed and on the fault's place in the timeline", () => {
  assert.notDeepEqual(hitBy(7, 1, 0), hitBy(8, 1, 0));
  const scenario = parseScenario(SCENARIO, 'sel.yaml');
  const plan = planFleet(scenario, 7);
  const same = { kind: 'drop', share: 0.3 } as const;
  const at0 = plan.stations.filter((s) => faultSelects(same, s.seed, 0)).length;
  const both = plan.stations.filter((s) => faultSelects(same, s.seed, 0) && faultSelects(same, s.seed, 1)).length;
  // Independent draws: about 0.3 × 0.3 of the fleet is hit by both, not the same 30 %.
  assert.ok(both < at0 * 0.5, `${both} of ${at0} hit by both`);
  assert.equal(plan.stations.filter((s) => faultSelects({ kind: 'malformed', share: 0.05 }, s.seed, 0)).length, 1000, 'malformed: every station, the share is per frame');
});

test('validate and --dry-run list the faults timeline', () => {
  const scenario = parseScenario(SCENARIO, 'sel.yaml');
  const text = planText(planFleet(scenario, 7), { workers: 2, durationMs: 45_000 });
  assert.match(text, /faults \(2, real time after the start; stations chosen by seed and identity\):/);
  assert.match(text, /\[0\] at 30s: drop 30% of the fleet: connections cut, reconnecting with their group's backoff\n/);
  assert.match(text, /\[1\] at 1m: restart 30% of group\(s\) acquired: cold boot, transactions stopped \(PowerLoss\), reconnect at once \(after the end of the run: never happens\)/);
});
