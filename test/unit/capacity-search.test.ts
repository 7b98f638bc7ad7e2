import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CONFIRMS, nextStep, roundBetween, type SearchOutcome, type SearchSettings, type SearchStep, type StepVerdict } from '../../src/capacity/search';
import { RandomStream } from '../../src/scenario/random';

/**
 * The search as a pure function, driven by models of a CSMS (stations → verdict): a knee at a
 * known size, a CSMS that fails at once, a generator that saturates first, noise near the
 * boundary, and a CSMS that never breaks before max.
 */
const SETTINGS: SearchSettings = { min: 10, max: 19_000, precision: 0.05, growth: 2 };

function search(settings: SearchSettings, model: (stations: number, phase: SearchStep['phase'], index: number) => StepVerdict, limit = 200): { steps: SearchStep[]; outcome: SearchOutcome } {
  const steps: SearchStep[] = [];
  for (;;) {
    const next = nextStep(settings, steps);
    if (next.kind === 'done') return { steps, outcome: next.outcome };
    assert.ok(steps.length < limit, `the search did not end within ${limit} steps: ${steps.map((s) => s.stations).join(', ')}`);
    steps.push({ stations: next.stations, phase: next.phase, verdict: model(next.stations, next.phase, steps.length) });
  }
}

const knee = (k: number) => (n: number): StepVerdict => (n <= k ? 'pass' : 'breach');

test('a knee at 7,400: grows ×2 from min to the first breach, narrows to within 5 %, confirms, every step as expected', () => {
  const { steps, outcome } = search(SETTINGS, knee(7400));
  const grow = steps.filter((s) => s.phase === 'grow').map((s) => s.stations);
  assert.deepEqual(grow, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240]);
  assert.equal(outcome.kind, 'found');
  if (outcome.kind !== 'found') return;
  assert.ok(outcome.stations <= 7400 && outcome.firstBad > 7400, `${outcome.stations} … ${outcome.firstBad}`);
  assert.ok((outcome.firstBad - outcome.stations) / outcome.stations <= 0.05, `${outcome.stations} … ${outcome.firstBad} is wider than 5 %`);
  assert.equal(outcome.confirmed, true);
  const last = steps[steps.length - 1] as SearchStep;
  assert.deepEqual(last, { stations: outcome.stations, phase: 'confirm', verdict: 'pass' });
  // Narrowing sizes lie strictly inside the bracket of the moment and read as round numbers.
  const narrow = steps.filter((s) => s.phase === 'narrow').map((s) => s.stations);
  assert.deepEqual(narrow, [8000, 6600, 7300, 7700, 7500]);
  assert.equal(outcome.stations, 7300);
  assert.equal(outcome.firstBad, 7500);
});

test('the same verdicts give the same steps (determinism), for several knees', () => {
  for (const k of [11, 137, 999, 4321, 18_999]) {
    const a = search(SETTINGS, knee(k));
    const b = search(SETTINGS, knee(k));
    assert.deepEqual(a, b);
    assert.equal(a.outcome.kind, 'found', `knee ${k}`);
    if (a.outcome.kind !== 'found') continue;
    assert.ok(a.outcome.stations <= k && a.outcome.firstBad > k, `knee ${k}: ${a.outcome.stations} … ${a.outcome.firstBad}`);
    assert.ok((a.outcome.firstBad - a.outcome.stations) / a.outcome.stations <= 0.05 || a.outcome.firstBad - a.outcome.stations <= 1);
  }
});

test('a tighter precision takes more narrowing steps and lands closer', () => {
  const coarse = search({ ...SETTINGS, precision: 0.2 }, knee(3000));
  const fine = search({ ...SETTINGS, precision: 0.01 }, knee(3000));
  assert.ok(fine.steps.length > coarse.steps.length, `${fine.steps.length} vs ${coarse.steps.length}`);
  if (fine.outcome.kind !== 'found' || coarse.outcome.kind !== 'found') assert.fail('both find it');
  assert.ok(3000 - fine.outcome.stations <= 30, `precision 1 %: ${fine.outcome.stations}`);
  assert.ok(3000 - coarse.outcome.stations <= 600, `precision 20 %: ${coarse.outcome.stations}`);
});

test('a CSMS that fails at min: smallestFailed after one step (exit 1 case)', () => {
  const { steps, outcome } = search(SETTINGS, () => 'breach');
  assert.deepEqual(steps, [{ stations: 10, phase: 'grow', verdict: 'breach' }]);
  assert.deepEqual(outcome, { kind: 'smallestFailed', stations: 10 });
});

test('a generator that saturates before any SLO breaks: generator-bound at that size, no capacity (exit 3 case)', () => {
  const { steps, outcome } = search(SETTINGS, (n) => (n >= 2560 ? 'generator' : 'pass'));
  assert.deepEqual(outcome, { kind: 'generatorBound', stations: 2560 });
  assert.equal((steps[steps.length - 1] as SearchStep).verdict, 'generator');
  assert.equal(steps.length, 9);
});

test('a generator saturating during narrowing ends the search too: its verdicts there are not the CSMS\'s', () => {
  const { outcome } = search(SETTINGS, (n) => (n > 8000 ? 'breach' : n > 7000 ? 'generator' : 'pass'));
  assert.equal(outcome.kind, 'generatorBound');
  if (outcome.kind === 'generatorBound') assert.ok(outcome.stations > 7000 && outcome.stations <= 8000);
});

test('nothing breaks up to max: capacity at least max, held twice (grow then confirm), never a size above max', () => {
  const { steps, outcome } = search({ ...SETTINGS, max: 3000 }, () => 'pass');
  assert.deepEqual(outcome, { kind: 'atLeastMax', stations: 3000, confirmed: true });
  assert.deepEqual(steps.slice(-2).map((s) => [s.stations, s.phase]), [[3000, 'grow'], [3000, 'confirm']]);
  assert.ok(steps.every((s) => s.stations <= 3000));
});

test('min equal to max: one size, held and confirmed', () => {
  const { steps, outcome } = search({ ...SETTINGS, min: 500, max: 500 }, () => 'pass');
  assert.deepEqual(steps.map((s) => [s.stations, s.phase]), [[500, 'grow'], [500, 'confirm']]);
  assert.equal(outcome.kind, 'atLeastMax');
});

test('a failed confirmation steps down and narrows again below it; confirmed once a confirmation passes', () => {
  // The first confirmation (at 7,300 for a knee at 7,400) fails once; the rest is the plain knee.
  let failedOnce = false;
  const { steps, outcome } = search(SETTINGS, (n, phase) => {
    if (phase === 'confirm' && !failedOnce) {
      failedOnce = true;
      return 'breach';
    }
    return n <= 7400 ? 'pass' : 'breach';
  });
  const confirms = steps.filter((s) => s.phase === 'confirm');
  assert.equal(confirms.length, 2);
  assert.deepEqual(confirms[0], { stations: 7300, phase: 'confirm', verdict: 'breach' });
  assert.equal(outcome.kind, 'found');
  if (outcome.kind !== 'found') return;
  assert.equal(outcome.confirmed, true);
  assert.equal(outcome.firstBad, 7300, 'the size whose confirmation failed is bad from then on');
  assert.ok(outcome.stations < 7300 && (7300 - outcome.stations) / outcome.stations <= 0.05, String(outcome.stations));
  // No size at or above a failure is tried after it failed.
  steps.forEach((s, i) => {
    const failedBefore = steps.slice(0, i).filter((p) => p.verdict === 'breach').map((p) => p.stations);
    assert.ok(failedBefore.every((b) => s.stations < b), `step ${i + 1} (${s.stations}) at or above an earlier failure`);
  });
});

test(`every confirmation failing: ${MAX_CONFIRMS} confirmations, then the largest size that passed below them, confirmed: false`, () => {
  const { steps, outcome } = search(SETTINGS, (n, phase) => (phase === 'confirm' ? 'breach' : n <= 7400 ? 'pass' : 'breach'));
  const confirms = steps.filter((s) => s.phase === 'confirm');
  assert.equal(confirms.length, MAX_CONFIRMS);
  assert.equal(outcome.kind, 'found');
  if (outcome.kind !== 'found') return;
  assert.equal(outcome.confirmed, false);
  const lowestFailedConfirm = Math.min(...confirms.map((c) => c.stations));
  assert.equal(outcome.firstBad, lowestFailedConfirm);
  const passedBelow = steps.filter((s) => s.verdict === 'pass' && s.stations < lowestFailedConfirm).map((s) => s.stations);
  assert.equal(outcome.stations, Math.max(...passedBelow));
});

test('the smallest size passing once then failing its confirmation: smallestFailed, never a capacity', () => {
  const { outcome } = search({ ...SETTINGS, max: 10 }, (_n, phase) => (phase === 'confirm' ? 'breach' : 'pass'));
  assert.deepEqual(outcome, { kind: 'smallestFailed', stations: 10 });
});

/** A CSMS whose verdict near its knee is a coin weighted by the distance to it (seeded). */
function noisy(k: number, seed: number): (n: number) => StepVerdict {
  const random = new RandomStream(seed);
  return (n) => {
    const x = (n - k) / (0.04 * k); // within ±4 % of the knee the verdict is uncertain
    const pFail = Math.min(1, Math.max(0, 0.5 + x / 2));
    return random.next() < pFail ? 'breach' : 'pass';
  };
}

test('noise near the boundary: the search ends, within ±10 % of the knee, and the same seed gives the same steps', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const a = search(SETTINGS, noisy(5000, seed));
    const b = search(SETTINGS, noisy(5000, seed));
    assert.deepEqual(a.steps, b.steps, `seed ${seed}`);
    assert.ok(a.steps.length <= 11 + 3 * 8 + MAX_CONFIRMS, `seed ${seed}: ${a.steps.length} steps`);
    assert.equal(a.outcome.kind, 'found', `seed ${seed}: ${JSON.stringify(a.outcome)}`);
    if (a.outcome.kind !== 'found') continue;
    assert.ok(Math.abs(a.outcome.stations - 5000) <= 500, `seed ${seed}: ${a.outcome.stations}`);
  }
});

test('roundBetween: strictly inside, near the midpoint, with few significant digits', () => {
  assert.equal(roundBetween(5120, 10240), 8000);
  assert.equal(roundBetween(7000, 10000), 8500);
  assert.equal(roundBetween(1, 3), 2);
  assert.equal(roundBetween(10, 13), 11);
  for (const [good, bad] of [[10, 12], [999, 1001], [7, 9], [123_456, 123_470], [1, 1000]] as const) {
    const r = roundBetween(good, bad);
    assert.ok(Number.isInteger(r) && r > good && r < bad, `${good} … ${bad}: ${r}`);
    assert.ok(Math.abs(r - (good + bad) / 2) <= Math.max(1, (bad - good) / 10), `${good} … ${bad}: ${r} is far from the middle`);
  }
});
