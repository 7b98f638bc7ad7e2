import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSplit } from '../../src/coordinator/live-split';
import { splitOverWorkers } from '../../src/coordinator/split';
import { validateScenario } from '../../src/run/load-scenario';
import { planFleet, scaleGroups, shardPlan, type FleetPlan, type Shard } from '../../src/scenario/plan';

/** Three groups in a 5:3:2 mix, scaled to `max` stations as a live run scales them. */
function plan(max: number, shard?: Shard): FleetPlan {
  const scenario = validateScenario({
    name: 'split',
    groups: [
      { name: 'a', count: 5, ocpp: '1.6', identity: 'A-{index:04}' },
      { name: 'b', count: 3, ocpp: '2.0.1', identity: 'B-{index:04}' },
      { name: 'c', count: 2, ocpp: '1.6', identity: 'C-{index:04}' },
    ],
  });
  const full = planFleet(scenario, 1, scaleGroups(scenario.groups, max));
  return shard === undefined ? full : shardPlan(full, shard);
}

/** A station's place in its group, read back from its identity (A-0007 is a's 7th: position 6). */
function position(identity: string): number {
  return Number(identity.slice(2)) - 1;
}

test('each group runs its largest-remainder share of n, the same split as --cps', () => {
  const split = new LiveSplit(plan(100), 2, undefined);
  assert.deepEqual(split.groupCounts, [50, 30, 20]);
  assert.equal(split.maxStations, 100);
  assert.deepEqual(split.groupsAt(0), [0, 0, 0]);
  assert.deepEqual(split.groupsAt(100), [50, 30, 20]);
  // 7 × 0.5/0.3/0.2 = 3.5, 2.1, 1.4: floors 3+2+1 = 6, the one left to a (.5 beats .4 and .1).
  assert.deepEqual(split.groupsAt(7), [4, 2, 1]);
  assert.deepEqual(split.groupsAt(1), [1, 0, 0]);
  for (let n = 0; n <= 100; n++) {
    const counts = split.groupsAt(n);
    assert.equal(counts.reduce((a, b) => a + b, 0), n, `size ${n}`);
    counts.forEach((c, g) => assert.ok(Math.abs(c - (n * (split.groupCounts[g] as number)) / 100) < 1, `size ${n}: group ${g} gets ${c}`));
  }
});

test('per worker: exactly its stations among each group\'s first n, for every size, worker count and shard', () => {
  for (const shard of [undefined, { index: 1, count: 3 }, { index: 3, count: 3 }]) {
    const p = plan(60, shard);
    for (const workers of [1, 2, 3, 7]) {
      const split = new LiveSplit(p, workers, shard);
      const shares = splitOverWorkers(p, workers);
      for (let n = 0; n <= 60; n++) {
        const perGroup = split.groupsAt(n);
        const perWorker = split.perWorker(perGroup);
        assert.equal(perWorker.length, shares.length);
        shares.forEach((stations, w) => {
          // Brute force: the worker's stations whose place in their group is below the group's share.
          const expected = perGroup.map((k, g) => stations.filter((s) => s.group === g && position(s.identity) < k).length);
          assert.deepEqual(perWorker[w], expected, `shard ${JSON.stringify(shard)}, ${workers} workers, size ${n}, worker ${w}`);
          // And they are the first ones of the worker's own list of the group (a worker starts a prefix).
          perGroup.forEach((_k, g) => {
            const own = stations.filter((s) => s.group === g);
            const first = own.slice(0, (perWorker[w] as number[])[g]);
            assert.ok(first.every((s) => position(s.identity) < (perGroup[g] as number)));
          });
        });
      }
    }
  }
});

test('the shards of a live run together run each group\'s first n stations, each exactly once', () => {
  const n = 23;
  const whole = new LiveSplit(plan(60), 1, undefined).groupsAt(n);
  const running = new Map<string, number>();
  for (let index = 1; index <= 3; index++) {
    const shard = { index, count: 3 };
    const p = plan(60, shard);
    const split = new LiveSplit(p, 2, shard);
    splitOverWorkers(p, 2).forEach((stations, w) => {
      (split.perWorker(split.groupsAt(n))[w] as number[]).forEach((k, g) => {
        for (const s of stations.filter((x) => x.group === g).slice(0, k)) running.set(s.identity, (running.get(s.identity) ?? 0) + 1);
      });
    });
  }
  const expected = whole.flatMap((k, g) => Array.from({ length: k }, (_v, i) => `${'ABC'[g]}-${String(i + 1).padStart(4, '0')}`));
  assert.deepEqual([...running.keys()].sort(), expected.sort());
  assert.ok([...running.values()].every((times) => times === 1));
});
