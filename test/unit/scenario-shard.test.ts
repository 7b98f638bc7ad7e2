import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../../src/scenario/load';
import { parseShard, planFleet, shardPlan } from '../../src/scenario/plan';

const SCENARIO = parseScenario(
  'groups:\n  - {name: a, count: 101, ocpp: "1.6", ramp: 100/s}\n  - {name: b, count: 50, ocpp: "2.0.1"}\n',
  'shard.yaml',
);

test('parseShard reads I/N and refuses what is not a shard', () => {
  assert.deepEqual(parseShard('1/2'), { index: 1, count: 2 });
  assert.deepEqual(parseShard(' 3 / 3 '), { index: 3, count: 3 });
  for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '']) assert.equal(parseShard(bad), undefined, bad);
});

test('shards are disjoint, cover the plan, keep their planned connect times, and are deterministic', () => {
  const plan = planFleet(SCENARIO, 7);
  for (const n of [1, 2, 3, 4]) {
    const shards = Array.from({ length: n }, (_v, i) => shardPlan(plan, { index: i + 1, count: n }));
    const ids = shards.flatMap((s) => s.stations.map((x) => x.identity));
    assert.equal(ids.length, plan.stations.length, `n=${n}`);
    assert.equal(new Set(ids).size, ids.length, `n=${n}: no identity in two shards`);
    const sizes = shards.map((s) => s.stations.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `n=${n}: balanced ${sizes.join('/')}`);
    for (const s of shards) {
      for (const st of s.stations) {
        const original = plan.stations.find((x) => x.identity === st.identity);
        assert.deepEqual(st, original);
      }
      // Each shard holds part of every group.
      if (n <= 3) assert.deepEqual([...new Set(s.stations.map((x) => x.group))].sort(), [0, 1]);
    }
    assert.deepEqual(shardPlan(plan, { index: 1, count: n }).stations, shards[0]?.stations);
  }
});
