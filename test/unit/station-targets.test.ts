import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitOverWorkers } from '../../src/coordinator/split';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { homeTarget, TargetList } from '../../src/station/targets';

const TWO = ['ws://a.example/ocpp', 'ws://b.example/ocpp'];
const THREE = [...TWO, 'ws://c.example/ocpp'];

function fleet(count: number): ReturnType<typeof planFleet> {
  const scenario = parseScenario(`groups:\n  - { name: g, count: ${count}, ocpp: "1.6", identity: "CP-{index:05}" }\n`, 'targets.yaml');
  return planFleet(scenario, 7, scenario.groups);
}

/** Stations per target as the workers' shares would place them. */
function perTarget(workers: number, targets: number): number[] {
  const counts = new Array<number>(targets).fill(0);
  for (const share of splitOverWorkers(fleet(2000), workers)) {
    for (const station of share) counts[homeTarget(station.identity, targets)]++;
  }
  return counts;
}

test('the spread over targets depends on the identity alone, not on the worker count', () => {
  const one = perTarget(1, 3);
  assert.deepEqual(perTarget(2, 3), one);
  assert.deepEqual(perTarget(4, 3), one);
  // Each of 3 targets gets its third of 2,000 stations within 15 %.
  for (const n of one) assert.ok(n > 567 && n < 767, `${one.join(', ')}`);
  assert.equal(one.reduce((a, b) => a + b, 0), 2000);
  // Same identity, same home: whoever asks, whenever.
  assert.equal(homeTarget('CP-00042', 3), homeTarget('CP-00042', 3));
  assert.equal(homeTarget('anything', 1), 0);
});

test('a station starts at its home and fails over to the next target in order, wrapping around', () => {
  const list = new TargetList(THREE);
  const home = homeTarget('CP-00001', 3);
  assert.equal(list.choose(-1, 'CP-00001', false, 0), home);
  assert.equal(list.choose(home, 'CP-00001', false, 0), home, 'no failure: it stays');
  assert.equal(list.choose(home, 'CP-00001', true, 0), (home + 1) % 3);
  assert.equal(list.choose(2, 'CP-00001', true, 0), 0);
  assert.equal(list.urlOf(1), THREE[1]);
});

test('a lost target is skipped until its time is up; when every target is lost, the next is tried anyway', () => {
  const list = new TargetList(TWO);
  list.loseUntil(1, 1000);
  assert.equal(list.choose(0, 'x', true, 500), 0, 'target 1 is lost: back to 0');
  assert.equal(list.choose(1, 'x', false, 500), 0, 'a station on the lost target moves');
  assert.equal(list.choose(0, 'x', true, 1000), 1, 'the loss is over');
  list.loseUntil(0, 2000);
  list.loseUntil(1, 2000);
  assert.equal(list.choose(0, 'x', true, 1500), 1);
  assert.throws(() => new TargetList([]), TypeError);
});
