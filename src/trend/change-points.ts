/**
 * Change points of a series of runs, by the method made for performance CI at MongoDB and
 * DataStax (Hunter; Fleming et al., ICPE 2023), written here for one metric's nightly values:
 *
 * 1. Split, top-down: E-divisive means (Matteson & James 2014) proposes, in a stretch of runs, the
 *    split τ that maximises the energy distance between the runs before it and those from it to
 *    some κ (q̂(τ, κ), with α = 1: plain absolute differences, so one wild night weighs what it
 *    differs, not its square), each side at least three runs (the newest runs may be fewer).
 *    A split is kept when Student's t-test between [start, τ) and [τ, κ) gives
 *    p ≤ 10 × maxPValue, and both sides are split again.
 * 2. Merge, bottom-up: of the change points not significant or not large enough, the one with the
 *    smallest change is dropped and its neighbours are judged again against the stretches now
 *    around them, until every one left is significant and large enough. (Hunter drops the largest
 *    p-value first; a small spurious split beside a real change then makes the real one look weak
 *    and go first.)
 *
 * maxPValue is alpha / (n − 1): the split is the best of n − 1 places, so its p-value is corrected
 * for having been chosen (Bonferroni); without it, long histories of pure noise grow change points.
 *
 * No permutations: the result is the same for the same values, and the t-test reaches small
 * p-values with the few runs a history has, where E-divisive's own permutation test cannot
 * (8 runs give 8! orderings at most, and far fewer distinct splits).
 */
import { changeMagnitude, compareSegments } from './segment-test';

export interface ChangePointOptions {
  /**
   * The false-alarm budget of the series (default 0.01): a change point needs a t-test p-value of
   * at most alpha / (n − 1), n the values, Bonferroni over the places a change could start. Hunter
   * takes a fixed 0.001 per split, which at 8 runs is about the same; judged every night over 100
   * nights of noise, it put the newest night in a "regression" on 1.4 % of nights, the corrected
   * threshold on 0.28 % (README, "History and trends").
   */
  readonly alpha?: number;
  /** Relative change it must reach, in whichever direction is larger (default 0.05: 5 %). */
  readonly minMagnitude?: number;
  /** Absolute change of the mean it must reach, in the series' unit (default 0: none). */
  readonly minChange?: number;
  /**
   * Judge the logarithms of the values (default false): for latencies, whose run-to-run noise is
   * multiplicative and heavy-tailed, so that a 2 → 4 ms change weighs as 20 → 40 ms and one slow
   * night does not swamp the variance. Means are then geometric. Values must be above 0.
   */
  readonly logScale?: boolean;
  /**
   * The step the values are measured in (default 0: continuous), in the series' unit: the t-test
   * takes the variance to be at least that of rounding to it (step² / 12), so a series that sits
   * on one step and moves one step is not a certain change.
   */
  readonly resolution?: number;
}

export interface ChangePoint {
  /** The first value of the new stretch (an index into the series). */
  readonly index: number;
  /** Mean of the stretch before, since the previous change point (geometric with logScale). */
  readonly before: number;
  /** Mean of the stretch from here to the next change point (geometric with logScale). */
  readonly after: number;
  readonly pValue: number;
  /** after / before − 1 (Infinity from 0). */
  readonly relativeChange: number;
}

export const CHANGE_POINT_DEFAULTS = { alpha: 0.01, minMagnitude: 0.05, minChange: 0, logScale: false, resolution: 0 } as const;

/** The p-value a split of `n` values must reach for the series' budget `alpha`. */
export function splitPValue(alpha: number, n: number): number {
  return alpha / Math.max(1, n - 1);
}

/** Sums of |x_i − x_j| over rectangles of index pairs, in O(1) each after O(n²) set-up. */
class DistanceSums {
  private readonly n: number;
  private readonly prefix: Float64Array;

  constructor(xs: readonly number[]) {
    const n = xs.length;
    this.n = n;
    const p = new Float64Array((n + 1) * (n + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.abs((xs[i] as number) - (xs[j] as number));
        p[(i + 1) * (n + 1) + j + 1] = d + p[i * (n + 1) + j + 1] + p[(i + 1) * (n + 1) + j] - p[i * (n + 1) + j];
      }
    }
    this.prefix = p;
  }

  /** Σ |x_i − x_j| for i in [a, b), j in [c, d). */
  rect(a: number, b: number, c: number, d: number): number {
    const w = this.n + 1;
    const p = this.prefix;
    return p[b * w + d] - p[a * w + d] - p[b * w + c] + p[a * w + c];
  }
}

/**
 * Runs a level must hold to be one: one or two runs between others are a blip, not a change, and
 * a level that short beside a real change would shorten the stretch the real one is judged on
 * (the newest runs excepted: they may be the first of a new level). And runs around a change at
 * the least: with fewer, the t-test has one degree of freedom, and two runs that happen to be
 * alike make any third look significant.
 */
const MIN_LEVEL = 3;
const MIN_AROUND = 4;

/**
 * The split of [start, end) with the largest energy statistic q̂(τ, κ), comparing the runs
 * [start, τ) with the runs [τ, κ) for every κ up to the end, as Matteson & James define it: a
 * change that a later one undoes (up at run 4, down again at run 9) stands out against the
 * stretch it holds over, where against the whole rest it would be diluted. Undefined when no q̂ is
 * positive.
 */
function bestSplit(sums: DistanceSums, start: number, end: number, length: number): { tau: number; kappa: number } | undefined {
  let best: { tau: number; kappa: number } | undefined;
  let bestQ = 0;
  for (let tau = start + MIN_LEVEL; tau < end; tau++) {
    const m = tau - start;
    // Each unordered pair is counted twice in a square's sum: halved, over C(k, 2) pairs.
    const withinBefore = m < 2 ? 0 : sums.rect(start, tau, start, tau) / (m * (m - 1));
    for (let kappa = tau + 1; kappa <= end; kappa++) {
      const n = kappa - tau;
      if (n < MIN_LEVEL && kappa !== length) continue;
      if (m + n < MIN_AROUND) continue;
      const between = (2 / (m * n)) * sums.rect(start, tau, tau, kappa);
      const withinAfter = n < 2 ? 0 : sums.rect(tau, kappa, tau, kappa) / (n * (n - 1));
      const q = ((m * n) / (m + n)) * (between - withinBefore - withinAfter);
      if (q > bestQ) {
        bestQ = q;
        best = { tau, kappa };
      }
    }
  }
  return best;
}

/** `xs` as judged (logarithms with logScale); `back` turns a judged mean into the series' unit. */
function judge(xs: readonly number[], from: number, index: number, to: number, back: (m: number) => number, minVariance: number): ChangePoint {
  const c = compareSegments(xs.slice(from, index), xs.slice(index, to), minVariance);
  const before = back(c.meanBefore);
  const after = back(c.meanAfter);
  const relativeChange = before === 0 ? (after === 0 ? 0 : Number.POSITIVE_INFINITY) : after / before - 1;
  return { index, before, after, pValue: c.pValue, relativeChange };
}

export function findChangePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const { alpha, minMagnitude, minChange, logScale, resolution } = { ...CHANGE_POINT_DEFAULTS, ...options };
  if (values.length < 3) return [];
  const maxPValue = splitPValue(alpha, values.length);
  if (values.some((x) => !Number.isFinite(x) || (logScale && x <= 0))) {
    throw new RangeError(`a series for change points holds only finite numbers${logScale ? ' above 0' : ''}`);
  }
  const xs = logScale ? values.map(Math.log) : values;
  const back = logScale ? Math.exp : (m: number): number => m;
  // Rounding to a step of r adds a variance of r² / 12; on the log scale, relative to the series' level.
  const level = logScale ? values.reduce((t, v) => t + v, 0) / values.length : 1;
  const minVariance = (resolution / level) ** 2 / 12;
  const judgeAll = (indexes: readonly number[]): ChangePoint[] =>
    indexes.map((index, i) => judge(xs, i === 0 ? 0 : (indexes[i - 1] as number), index, indexes[i + 1] ?? xs.length, back, minVariance));
  const sums = new DistanceSums(xs);
  const found: number[] = [];
  const split = (start: number, end: number): void => {
    const best = bestSplit(sums, start, end, xs.length);
    if (best === undefined) return;
    const { tau, kappa } = best;
    if (judge(xs, start, tau, kappa, back, minVariance).pValue > maxPValue * 10) return;
    found.push(tau);
    split(start, tau);
    split(tau, end);
  };
  split(0, xs.length);
  found.sort((a, b) => a - b);

  const weak = (cp: ChangePoint, from: number): boolean =>
    cp.pValue > maxPValue ||
    changeMagnitude(cp.before, cp.after) < minMagnitude ||
    Math.abs(cp.after - cp.before) < minChange ||
    (cp.index === values.length - 1 && !beyondAll(values.slice(from, cp.index), values[cp.index] as number, minChange));
  let points = judgeAll(found);
  for (;;) {
    const weakOnes = points.filter((cp, i) => weak(cp, i === 0 ? 0 : (points[i - 1] as ChangePoint).index));
    if (weakOnes.length === 0) return points;
    // The smallest change goes first, not the largest p-value: a spurious split beside a real
    // change shortens the stretch the real one is judged on, and its p-value with it.
    const weakest = weakOnes.reduce((a, b) => (changeMagnitude(b.before, b.after) < changeMagnitude(a.before, a.after) ? b : a));
    // Dropping one changes the stretches its neighbours are judged on: judge them all again.
    points = judgeAll(points.filter((cp) => cp !== weakest).map((cp) => cp.index));
  }
}

/**
 * The newest run alone starts a change only from outside every run of the stretch before it, by
 * the minimum change: one run is one sample, and a busy night on a shared machine moves one run's
 * figures further than the stretch's spread makes likely (a t-test of 1.29 → 2.30 ms, p = 0.0007,
 * on a night 0.81 ms above the slowest before it). With more runs after a change, the t-test
 * stands on its own.
 */
function beyondAll(before: readonly number[], value: number, minChange: number): boolean {
  if (before.length === 0) return true;
  const max = Math.max(...before);
  const min = Math.min(...before);
  return value > max ? value - max >= minChange : value < min && min - value >= minChange;
}
