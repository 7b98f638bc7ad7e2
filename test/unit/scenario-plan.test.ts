import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, ScenarioError } from '../../src/scenario/load';
import { IDENTITY_RULE } from '../../src/scenario/identities';
import { formatIdentity } from '../../src/scenario/identities';
import { planFleet, scaleGroups, type PlannedStation } from '../../src/scenario/plan';
import { streamSeed } from '../../src/scenario/random';
import type { Scenario } from '../../src/scenario/types';
import { splitOverWorkers } from '../../src/coordinator/split';

/** A scenario from group lines, e.g. `{ name: a, count: 10, ocpp: "1.6", ramp: 100/s }`. */
function scenario(...groups: string[]): Scenario {
  return parseScenario(`groups:\n${groups.map((g) => `  - ${g}\n`).join('')}`, 'plan.yaml');
}

const identities = (stations: readonly PlannedStation[]): string[] => stations.map((s) => s.identity);

test('formatIdentity pads {index:0N} to N digits and leaves {index} bare', () => {
  assert.equal(formatIdentity('ACME-{index:05}', 7), 'ACME-00007');
  assert.equal(formatIdentity('{index}', 7), '7');
  assert.equal(formatIdentity('CP{index:03}-east', 42), 'CP042-east');
  assert.equal(formatIdentity('X-{index:02}', 12345), 'X-12345');
  assert.equal(formatIdentity('X-{index:010}', 1), 'X-0000000001');
});

test('scaleGroups keeps the mix and hits the total exactly', () => {
  const two = scenario('{ name: a, count: 100, ocpp: "1.6" }', '{ name: b, count: 100, ocpp: "2.0.1" }').groups;
  assert.deepEqual(
    scaleGroups(two, 10_001).map((g) => g.count),
    [5001, 5000],
  );
  const three = scenario('{ name: a, count: 1, ocpp: "1.6" }', '{ name: b, count: 1, ocpp: "1.6" }', '{ name: c, count: 1, ocpp: "1.6" }').groups;
  assert.deepEqual(
    scaleGroups(three, 10).map((g) => g.count),
    [4, 3, 3],
  );
  const mix = scenario('{ name: a, count: 300, ocpp: "1.6" }', '{ name: b, count: 100, ocpp: "2.0.1" }').groups;
  assert.deepEqual(
    scaleGroups(mix, 1000).map((g) => g.count),
    [750, 250],
  );
  // Largest remainder: 7 * 2/3 = 4.67 and 7 * 1/3 = 2.33 round to 5 and 2.
  const uneven = scenario('{ name: a, count: 2, ocpp: "1.6" }', '{ name: b, count: 1, ocpp: "1.6" }').groups;
  assert.deepEqual(
    scaleGroups(uneven, 7).map((g) => g.count),
    [5, 2],
  );
  for (const total of [0, 1, 2, 3, 17, 999, 10_000, 123_457]) {
    assert.equal(
      scaleGroups(three, total).reduce((n, g) => n + g.count, 0),
      total,
      String(total),
    );
  }
});

test('scaleGroups keeps every other field and does not touch the scenario', () => {
  const s = scenario('{ name: a, count: 10, ocpp: "1.6", ramp: 50/s }', '{ name: b, count: 30, ocpp: "2.0.1", connectors: 3 }');
  const scaled = scaleGroups(s.groups, 4);
  assert.deepEqual(scaled[0], { ...s.groups[0], count: 1 });
  assert.deepEqual(scaled[1], { ...s.groups[1], count: 3 });
  assert.equal(s.groups[0]?.count, 10);
  assert.equal(s.groups[1]?.count, 30);
});

test('scaleGroups of groups that are all empty puts everyone in the first', () => {
  const s = scenario('{ name: a, count: 0, ocpp: "1.6" }', '{ name: b, count: 0, ocpp: "1.6" }');
  assert.deepEqual(
    scaleGroups(s.groups, 5).map((g) => g.count),
    [5, 0],
  );
});

test('planFleet is deterministic: same scenario and seed, same plan', () => {
  const s = scenario('{ name: a, count: 200, ocpp: "1.6", ramp: 100/s }', '{ name: b, count: 50, ocpp: "2.0.1", ramp: all }');
  const one = planFleet(s, 7);
  const two = planFleet(s, 7);
  assert.deepEqual(two, one);
  assert.equal(one.stations.length, 250);
  assert.equal(one.seed, 7);
  assert.deepEqual(identities(one.stations).slice(0, 2), ['a-00001', 'a-00002']);
  assert.deepEqual(identities(one.stations).slice(-1), ['b-00050']);
  assert.deepEqual(
    one.stations.map((st) => st.group),
    [...Array<number>(200).fill(0), ...Array<number>(50).fill(1)],
  );
});

test('another seed gives other station seeds, the same identities and connect times', () => {
  const s = scenario('{ name: a, count: 500, ocpp: "1.6", ramp: 100/s }');
  const one = planFleet(s, 1);
  const two = planFleet(s, 2);
  assert.deepEqual(identities(two.stations), identities(one.stations));
  assert.deepEqual(
    two.stations.map((st) => st.connectAtMs),
    one.stations.map((st) => st.connectAtMs),
  );
  const same = one.stations.filter((st, i) => st.seed === two.stations[i]?.seed).length;
  assert.equal(same, 0);
  // Seeds within a plan are distinct too (500 draws from 2^32: a collision would be a bug).
  assert.equal(new Set(one.stations.map((st) => st.seed)).size, 500);
});

test("a station's seed is a function of (run seed, identity) alone", () => {
  const plan = planFleet(scenario('{ name: a, count: 20, ocpp: "1.6" }'), 99);
  for (const st of plan.stations) {
    assert.equal(st.seed, streamSeed(99, st.identity));
    assert.ok(Number.isInteger(st.seed) && st.seed > 0 && st.seed < 2 ** 32);
  }
});

test('adding a group or more stations changes no existing station', () => {
  const small = planFleet(scenario('{ name: a, count: 100, ocpp: "1.6", ramp: 50/s }'), 5);
  const large = planFleet(scenario('{ name: a, count: 300, ocpp: "1.6", ramp: 50/s }', '{ name: b, count: 40, ocpp: "2.0.1", ramp: 50/s }'), 5);
  assert.equal(large.stations.length, 340);
  assert.deepEqual(large.stations.slice(0, 100), small.stations);
});

test('ramp 100/s: station i connects in [i*10, i*10+10) ms, in order', () => {
  const plan = planFleet(scenario('{ name: a, count: 1000, ocpp: "1.6", ramp: 100/s }'), 1);
  plan.stations.forEach((st, i) => {
    assert.ok(st.connectAtMs >= i * 10 && st.connectAtMs < i * 10 + 10, `station ${i} at ${st.connectAtMs} ms`);
  });
  for (let i = 1; i < 1000; i++) assert.ok((plan.stations[i]?.connectAtMs as number) > (plan.stations[i - 1]?.connectAtMs as number));
  // 1000 stations at 100/s take ten seconds, not ten milliseconds or ten thousand seconds.
  const last = plan.stations[999]?.connectAtMs as number;
  assert.ok(last >= 9990 && last < 10_000, String(last));
});

test('ramp 3000/m starting at 2s: station i connects in [2000 + i*20, 2000 + i*20 + 20) ms', () => {
  const plan = planFleet(scenario('{ name: a, count: 100, ocpp: "1.6", ramp: 3000/m, startAt: 2s }'), 1);
  plan.stations.forEach((st, i) => {
    assert.ok(st.connectAtMs >= 2000 + i * 20 && st.connectAtMs < 2000 + i * 20 + 20, `station ${i} at ${st.connectAtMs} ms`);
  });
});

test('ramp all: every station connects at the group start', () => {
  const plan = planFleet(scenario('{ name: a, count: 50, ocpp: "1.6", ramp: all, startAt: 1500ms }', '{ name: b, count: 5, ocpp: "1.6", ramp: all }'), 1);
  assert.deepEqual(
    plan.stations.map((st) => st.connectAtMs),
    [...Array<number>(50).fill(1500), ...Array<number>(5).fill(0)],
  );
});

test('identities that collide across groups are refused where both groups are written', () => {
  const clash = (message: string) => (err: unknown) => err instanceof ScenarioError && err.message === message;
  assert.throws(
    () => scenario('{ name: a, count: 3, ocpp: "1.6", identity: "CP-{index}" }', '{ name: b, count: 2, ocpp: "2.0.1", identity: "CP-{index}" }'),
    clash('plan.yaml:3: groups[1].identity: expected identities no other group gives, got "CP-{index}", whose station 1 is "CP-1", as is station 1 of group a (plan.yaml:2)'),
  );
  // Different patterns may still meet: CP-1{index} at 1 is CP-11, the 11th of CP-{index}.
  assert.throws(
    () => scenario('{ name: a, count: 11, ocpp: "1.6", identity: "CP-{index}" }', '{ name: b, count: 1, ocpp: "1.6", identity: "CP-1{index}" }'),
    clash('plan.yaml:3: groups[1].identity: expected identities no other group gives, got "CP-1{index}", whose station 1 is "CP-11", as is station 11 of group a (plan.yaml:2)'),
  );
  const u = scenario('{ name: a, count: 10, ocpp: "1.6", identity: "CP-{index}" }', '{ name: b, count: 1, ocpp: "1.6", identity: "CP-1{index}" }');
  assert.equal(planFleet(u, 1).stations.length, 11);
  // --cps scales a to 11 stations: the plan finds the clash the file did not have, located alike.
  assert.throws(
    () => planFleet(u, 1, scaleGroups(u.groups, 22)),
    clash('plan.yaml:3: groups[1].identity: expected identities no other group gives, got "CP-1{index}", whose station 1 is "CP-11", as is station 11 of group a (plan.yaml:2)'),
  );
});

test('a pattern that --cps makes too long is refused at its line', () => {
  const pattern = `${'X'.repeat(46)}{index}`;
  const s = scenario(`{ name: a, count: 99, ocpp: "1.6", identity: "${pattern}" }`);
  assert.equal(planFleet(s, 1).stations.length, 99);
  assert.throws(
    () => planFleet(s, 1, scaleGroups(s.groups, 100)),
    (err: unknown) =>
      err instanceof ScenarioError &&
      err.message ===
        `plan.yaml:2: groups[0].identity: expected a pattern that makes ${IDENTITY_RULE}, got "${pattern}": with 100 stations, station 100 would be "${'X'.repeat(46)}100" (49 characters)`,
  );
});

test('splitOverWorkers deals every station to exactly one worker', () => {
  const plan = planFleet(scenario('{ name: a, count: 101, ocpp: "1.6", ramp: 100/s }', '{ name: b, count: 30, ocpp: "2.0.1", ramp: all }'), 3);
  const all = [...identities(plan.stations)].sort();
  for (const workers of [1, 2, 4]) {
    const shares = splitOverWorkers(plan, workers);
    assert.equal(shares.length, workers);
    const dealt = shares.flat();
    assert.equal(dealt.length, 131);
    assert.deepEqual([...identities(dealt)].sort(), all);
    assert.equal(new Set(identities(dealt)).size, 131);
    // Each share is what the plan says of those stations, not a copy with other times or seeds.
    const byIdentity = new Map(plan.stations.map((st) => [st.identity, st]));
    for (const st of dealt) assert.deepEqual(st, byIdentity.get(st.identity));
    // Every n-th station: shares differ in size by at most one, and each sees the whole ramp.
    const sizes = shares.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, String(sizes));
    for (const share of shares) {
      const ramped = share.filter((st) => st.group === 0);
      assert.ok((ramped[0]?.connectAtMs as number) < 10 * workers);
      assert.ok((ramped.at(-1)?.connectAtMs as number) >= (101 - workers) * 10);
    }
  }
  assert.deepEqual(
    splitOverWorkers(plan, 4).map((s) => s.length),
    [33, 33, 33, 32],
  );
});

test('splitOverWorkers never uses more workers than stations, and at least one', () => {
  const three = planFleet(scenario('{ name: a, count: 3, ocpp: "1.6" }'), 1);
  const shares = splitOverWorkers(three, 4);
  assert.equal(shares.length, 3);
  assert.deepEqual(
    shares.map((s) => identities(s)),
    [['a-00001'], ['a-00002'], ['a-00003']],
  );
  const none = planFleet(scenario('{ name: a, count: 0, ocpp: "1.6" }'), 1);
  assert.deepEqual(splitOverWorkers(none, 4), [[]]);
  assert.equal(splitOverWorkers(three, 0).length, 1);
});
