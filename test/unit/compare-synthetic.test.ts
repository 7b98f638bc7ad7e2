import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, resolveCompareOptions, type Comparison, type ComparisonRow } from '../../src/report/compare';
import { formatComparison } from '../../src/report/compare-format';
import { syntheticRun, type SyntheticAction, type SyntheticRun } from '../helpers/compare-synthetic';

/**
 * compare's statistics on synthetic runs whose truth is known: latencies drawn from a seeded
 * lognormal and recorded in HDR histograms as a run records them. Same distribution → not flagged,
 * across many seeds; shifted by 5 ms or scaled by 20 % → flagged; few samples a second → the
 * whole-run test decides. Within one synthetic run values are independent: what these tests bound
 * is the tests' own false-alarm rate; the run-to-run noise of a real machine is README's
 * (bench/compare-calibration.ts).
 */

/** A nightly scenario in miniature: steady actions, a burst of boots, a sparse action. */
const ACTIONS: Record<string, SyntheticAction> = {
  Heartbeat: { calls: 20, medianMs: 1, sigma: 0.5 },
  MeterValues: { calls: 50, medianMs: 1, sigma: 0.6 },
  StatusNotification: { calls: 30, medianMs: 1.2, sigma: 0.7 },
  BootNotification: { calls: 200, burst: 2, medianMs: 0.8, sigma: 0.5 },
};

function pair(seed: number, change: Partial<SyntheticAction> = {}, extra: Partial<SyntheticRun> = {}, actions = ACTIONS): [ReturnType<typeof syntheticRun>, ReturnType<typeof syntheticRun>] {
  const changed = Object.fromEntries(Object.entries(actions).map(([k, a]) => [k, { ...a, ...change }]));
  return [
    syntheticRun('base', { seed: seed * 2 + 1, seconds: 30, actions, ...extra }),
    syntheticRun('cand', { seed: seed * 2 + 2, seconds: 30, actions: changed, ...extra }),
  ];
}

function row(c: Comparison, action: string, metric: ComparisonRow['metric']): ComparisonRow {
  const r = c.rows.find((x) => x.action === action && x.metric === metric);
  assert.ok(r, `${action} ${metric}`);
  return r;
}

function flagged(c: Comparison): string[] {
  return c.rows.filter((r) => r.verdict === 'regression').map((r) => `${r.action} ${r.metric}`);
}

test('same distribution, 40 seeds: never flagged at the defaults', () => {
  for (let seed = 0; seed < 40; seed++) {
    const [a, b] = pair(seed);
    const c = compareRuns(a, b);
    assert.deepEqual(flagged(c), [], `seed ${seed}:\n${formatComparison(c)}`);
  }
});

test('without floors or tolerance, the Holm-corrected tests alone flag at most about α of same-distribution pairs', () => {
  // The family-wise rate is bounded by α = 0.01 per comparison: over 150 pairs about 1.5 are
  // expected, and more than 6 has probability 0.0003 (binomial) if the bound holds.
  const bare = resolveCompareOptions({ minChangeMs: 0, tolerance: { p1: 0, p50: 0, p99: 0, max: 0, time: 0, errors: 0 } });
  let pairs = 0;
  for (let seed = 100; seed < 250; seed++) {
    const [a, b] = pair(seed);
    if (compareRuns(a, b, bare).regressions > 0) pairs++;
  }
  assert.ok(pairs <= 6, `${pairs} of 150 same-distribution pairs flagged`);
});

test('every value 5 ms slower: flagged at the defaults on every action, the boots included, in 20 seeds of 20', () => {
  for (let seed = 0; seed < 20; seed++) {
    const [a, b] = pair(seed, { shiftMs: 5 });
    const c = compareRuns(a, b);
    for (const action of Object.keys(ACTIONS)) {
      const hits = c.rows.filter((r) => r.action === action && r.verdict === 'regression');
      assert.ok(hits.length > 0, `seed ${seed}: ${action} not flagged\n${formatComparison(c)}`);
    }
    // The size is what was injected: 5 ms at the median, in ms.
    const p50 = row(c, 'Heartbeat', 'p50');
    assert.ok(Math.abs((p50.candidate as number) - (p50.baseline as number) - 5) < 0.5, `${p50.baseline} → ${p50.candidate}`);
  }
});

test('20 % slower at 50 ms: flagged; at 5 % the medians stay within the 10 % tolerance', () => {
  const slow: Record<string, SyntheticAction> = { Authorize: { calls: 40, medianMs: 50, sigma: 0.2 }, TransactionEvent: { calls: 60, medianMs: 50, sigma: 0.3 } };
  for (let seed = 0; seed < 10; seed++) {
    const [a, b] = pair(seed, { scale: 1.2 }, {}, slow);
    const c = compareRuns(a, b);
    assert.ok(flagged(c).includes('Authorize p50') && flagged(c).includes('TransactionEvent p50'), `seed ${seed}: ${flagged(c)}`);
    const [x, y] = pair(seed, { scale: 1.05 }, {}, slow);
    const five = compareRuns(x, y);
    assert.deepEqual([row(five, 'Authorize', 'p50').verdict, row(five, 'TransactionEvent', 'p50').verdict], ['ok', 'ok'], `seed ${seed} at +5 %`);
  }
});

test('few samples a second (a boot burst): the whole run is tested, by rank for p50; its p1 needs 500 values and says so', () => {
  const [a, b] = pair(3, { shiftMs: 5 });
  const c = compareRuns(a, b);
  const p50 = row(c, 'BootNotification', 'p50');
  assert.equal(p50.basis, 'calls');
  assert.deepEqual(p50.samples, [200, 200]);
  assert.equal(p50.verdict, 'regression');
  const p1 = row(c, 'BootNotification', 'p1');
  assert.equal(p1.verdict, 'inconclusive');
  assert.match(p1.reason as string, /too few values to test a 1st percentile \(200 vs 200 calls; 500 a run needed\)/);
  // Steady actions go second by second.
  assert.equal(row(c, 'Heartbeat', 'p50').basis, 'seconds');
  assert.match(formatComparison(c), /\nBootNotification +p1 [^\n]+\n +p50 +[\d.]+ ms +[\d.]+ ms +\+[\d.]+% +regression \(p < 0\.0001, whole run: 200 vs 200 calls\)\n/);
});

test('through the real logs: the same verdicts from histograms.hlog and histograms-total.hlog text', () => {
  const [a, b] = pair(5, { shiftMs: 5 }, { viaLogs: true });
  const c = compareRuns(a, b);
  assert.equal(row(c, 'Heartbeat', 'p1').verdict, 'regression');
  assert.equal(row(c, 'BootNotification', 'p50').verdict, 'regression');
  assert.equal(row(c, 'BootNotification', 'p50').basis, 'calls');
  const [x, y] = pair(5, {}, { viaLogs: true });
  assert.equal(compareRuns(x, y).regressions, 0);
});

test('the generator\'s own delay raises the floors above p1: 5 ms hides under a 40 ms delay at p50, not at p1', () => {
  const [a, b] = pair(7, { shiftMs: 5 }, { generatorMs: 40 });
  const c = compareRuns(a, b);
  const p50 = row(c, 'Heartbeat', 'p50');
  assert.equal(p50.verdict, 'ok');
  assert.equal(p50.belowFloorMs, 20);
  assert.equal(p50.floorFromGenerator, true);
  assert.equal(row(c, 'Heartbeat', 'p1').verdict, 'regression');
  // Boots come at a run's start: their p1 gets the p50 factor too.
  assert.equal(row(c, 'BootNotification', 'p50').verdict, 'ok');
  assert.match(formatComparison(c, { all: true }), /Heartbeat\s+p1 .*regression[^\n]*\n\s+p50 .*ok \(below the 20 ms floor: the generator's own delay\)/);
  // Turned off, the 5 ms shows at p50 again.
  assert.equal(row(compareRuns(a, b, resolveCompareOptions({ generatorFloor: false })), 'Heartbeat', 'p50').verdict, 'regression');
});

test('a saturated generator (own delay over 200 ms): figures above p1 that moved are inconclusive, p1 still judged', () => {
  const [a, b] = pair(9, { shiftMs: 5 }, { generatorMs: 250 });
  const slower = syntheticRun('cand', { seed: 20, seconds: 30, actions: { ...ACTIONS, Heartbeat: { calls: 20, medianMs: 500, sigma: 0.5 } }, generatorMs: 250 });
  const c = compareRuns(a, slower);
  const p50 = row(c, 'Heartbeat', 'p50');
  assert.equal(p50.verdict, 'inconclusive');
  assert.match(p50.reason as string, /generators were saturated/);
  assert.equal(row(compareRuns(a, b), 'Heartbeat', 'p1').verdict, 'regression');
  assert.match(formatComparison(c), /a generator saturated \(over 200 ms\): only p1 judged/);
});

test('a boot storm of 600: p1 of what comes in a burst is its fast path (floor 0.25 × the generator\'s delay p99), so a CSMS 5 ms slower at boots alone is found; the rest of the storm keeps its startup floor', () => {
  // Boots and the status notifications after them, all in the first 3 s, as bench/scenarios/boot-storm-600.yaml sends them.
  const storm: Record<string, SyntheticAction> = {
    BootNotification: { calls: 600, burst: 3, medianMs: 0.5, sigma: 0.6 },
    StatusNotification: { calls: 900, burst: 3, medianMs: 0.5, sigma: 0.6 },
  };
  const slowerBoots = (base: SyntheticRun, seed: number): SyntheticRun => ({ ...base, seed, actions: { ...storm, BootNotification: { ...(storm.BootNotification as SyntheticAction), shiftMs: 5 } } });
  for (const seed of [11, 12, 13]) {
    const base: SyntheticRun = { seed: seed * 2 + 1, seconds: 30, actions: storm, generatorMs: 12 };
    const c = compareRuns(syntheticRun('base', base), syntheticRun('cand', slowerBoots(base, seed * 2 + 2)));
    const p1 = row(c, 'BootNotification', 'p1');
    assert.equal(p1.verdict, 'regression', `seed ${seed}: ${formatComparison(c, { all: true })}`);
    assert.equal(p1.basis, 'calls');
    assert.deepEqual(p1.samples, [600, 600]);
    // Its p50 moved as much, but a boot storm's middle waits on the machine: 3 × the largest delay (24 ms).
    const p50 = row(c, 'BootNotification', 'p50');
    assert.deepEqual([p50.verdict, p50.belowFloorMs, p50.floorFromGenerator], ['ok', 72, true]);
    assert.deepEqual(flagged(c), ['BootNotification p1']);
    // The same settings: not flagged.
    const [x, y] = pair(seed, {}, { generatorMs: 12 }, storm);
    assert.deepEqual(flagged(compareRuns(x, y)), []);
  }
  // A busier generator raises the fast path's floor with it: at a delay p99 of 80 ms, 5 ms is under its 20 ms floor,
  // and a burst of status notifications slower by 10 ms too (whole-run tested, so judged as a storm, not as an action that runs all along).
  const [a, b] = pair(14, { shiftMs: 10 }, { generatorMs: 80 }, storm);
  const slower = compareRuns(a, b);
  for (const action of ['BootNotification', 'StatusNotification']) {
    const p1 = row(slower, action, 'p1');
    assert.deepEqual([p1.basis, p1.verdict, p1.belowFloorMs, p1.floorFromGenerator], ['calls', 'ok', 20, true], action);
  }
  // Not a storm: an action spread over a run too short for the per-second test (8 s, tested on the whole run) keeps the p50 floor of an action.
  const steady: Record<string, SyntheticAction> = { Heartbeat: { calls: 20, medianMs: 1, sigma: 0.5 } };
  const short = (seed: number, shiftMs: number): ReturnType<typeof syntheticRun> =>
    syntheticRun('short', { seed, seconds: 8, actions: { Heartbeat: { ...(steady.Heartbeat as SyntheticAction), shiftMs } }, generatorMs: 12 });
  const hb = row(compareRuns(short(31, 0), short(32, 50)), 'Heartbeat', 'p50');
  assert.deepEqual([hb.basis, hb.verdict], ['calls', 'regression']);
  // A saturated one leaves a change beyond that floor (62.5 ms) inconclusive: in a storm even the fastest calls wait on it.
  const [s, t] = pair(15, { shiftMs: 100 }, { generatorMs: 250 }, storm);
  const saturated = row(compareRuns(s, t), 'BootNotification', 'p1');
  assert.equal(saturated.verdict, 'inconclusive');
  assert.match(saturated.reason as string, /saturated .*: in a storm even the fastest calls wait on it/);
});
