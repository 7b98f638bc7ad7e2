/**
 * The tests `compare` uses to tell a change from run-to-run noise, and the correction for making
 * many of them. Every test is one-sided: "is the candidate worse (or better) than the baseline",
 * never merely "different".
 *
 * - A rank test (Mann-Whitney U, the Wilcoxon rank-sum) on per-second values (the p99 of each
 *   second of each run) or on every value a run recorded (its whole-run histogram). It assumes
 *   nothing of the distribution's shape (latencies are skewed and heavy-tailed: no t-test) and one
 *   slow second moves it by one rank only. Normal approximation with tie and continuity
 *   corrections: HDR histograms record values in buckets, so ties are the rule.
 * - A quantile test: how many of each run's values lie above the pooled q-quantile (Mood's median
 *   test generalised to any quantile), by a two-proportion z-test. It asks about the tail itself,
 *   where a rank test sees mostly the bulk.
 * - A two-proportion z-test (pooled) on failure counts, for error rates.
 * - Holm's step-down correction over all the tests of one comparison.
 *
 * The normal tail is jstat's (the library the trend's t-test uses). The rank sum is computed here
 * over tied groups: neither jstat nor simple-statistics has a rank test for histograms, and
 * simple-statistics' wilcoxonRankSum takes one array element per value: a whole-run histogram of a
 * million calls a side is ~5,000 buckets, and that rank sum over the million values took 2.5–5.8 s
 * and ~180–200 MB of heap, against 0.5–0.9 ms over the buckets (bench/compare-stats-speed.ts, load
 * average 6–15 on 2 cores); the unit tests check that both give the same rank sum
 * (simple-statistics is a dev dependency for that). Holm's correction is six lines here: the
 * packages that offer it (@stdlib/stats-padjust) bring 146 others with them.
 */
import { jStat } from 'jstat';

/** P(Z > z) for a standard normal Z: to ~1e-16 (absolute), enough for p-values compared with α/m. */
export function upperTail(z: number): number {
  return jStat.normal.cdf(-z, 0, 1);
}

/** One-sided p-values of a test. */
export interface OneSided {
  /** That the candidate's values are stochastically greater (worse, for latencies and errors). */
  pGreater: number;
  /** That they are stochastically smaller. */
  pLess: number;
}

export interface RankTest extends OneSided {
  /** Pairs (candidate value, baseline value) where the candidate is larger, ties counting half. */
  u: number;
  z: number;
}

/**
 * A distribution as tied groups: distinct values in increasing order, each with how many times it
 * was recorded. Per-second values are groups of one (or of their ties); a whole-run histogram is
 * its buckets.
 */
export interface Grouped {
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly total: number;
}

export function grouped(values: readonly number[]): Grouped {
  const sorted = [...values].sort((a, b) => a - b);
  const out = { values: [] as number[], counts: [] as number[], total: sorted.length };
  for (const v of sorted) {
    if (out.values.length > 0 && out.values[out.values.length - 1] === v) out.counts[out.counts.length - 1] = (out.counts[out.counts.length - 1] as number) + 1;
    else {
      out.values.push(v);
      out.counts.push(1);
    }
  }
  return out;
}

/** Mann-Whitney U of `candidate` against `baseline`. */
export function rankTest(candidate: Grouped, baseline: Grouped): RankTest {
  const n1 = candidate.total;
  const n2 = baseline.total;
  const n = n1 + n2;
  let rankSum = 0;
  let tieTerm = 0;
  let below = 0;
  // Walk both sorted lists at once: each distinct value is a tie group whose members share the
  // average of the ranks they span.
  for (let i = 0, j = 0; i < candidate.values.length || j < baseline.values.length; ) {
    const vc = i < candidate.values.length ? (candidate.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < baseline.values.length ? (baseline.values[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(vc, vb);
    const c = vc === v ? (candidate.counts[i++] as number) : 0;
    const b = vb === v ? (baseline.counts[j++] as number) : 0;
    const t = c + b;
    rankSum += c * (below + (t + 1) / 2);
    tieTerm += t * t * t - t;
    below += t;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = n < 2 ? 0 : ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pGreater: 1, pLess: 1 };
  const sd = Math.sqrt(variance);
  return { u, z: (u - mean) / sd, pGreater: upperTail((u - mean - 0.5) / sd), pLess: upperTail((mean - u - 0.5) / sd) };
}

/**
 * One-sided p-values that the candidate's failure rate (x2 of n2) is above, or below, the
 * baseline's (x1 of n1). With no failure on either side there is nothing to test: both are 1.
 */
export function twoProportions(x1: number, n1: number, x2: number, n2: number): OneSided {
  if (n1 === 0 || n2 === 0) return { pGreater: 1, pLess: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { pGreater: 1, pLess: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { pGreater: upperTail(z), pLess: upperTail(-z) };
}

/** The smallest recorded value with at least a share `q` of the values at or below it. */
export function quantile(g: Grouped, q: number): number {
  const rank = Math.max(1, Math.ceil(q * g.total));
  let seen = 0;
  for (let i = 0; i < g.values.length; i++) {
    seen += g.counts[i] as number;
    if (seen >= rank) return g.values[i] as number;
  }
  return Number.NaN;
}

function countAbove(g: Grouped, threshold: number): number {
  let n = 0;
  for (let i = g.values.length - 1; i >= 0 && (g.values[i] as number) > threshold; i--) n += g.counts[i] as number;
  return n;
}

function countAtOrBelow(g: Grouped, threshold: number): number {
  return g.total - countAbove(g, threshold);
}

/** Values above the pooled quantile a run must be expected to hold for the normal approximation. */
export const MIN_TAIL_EXPECTED = 5;

export interface QuantileTest extends OneSided {
  /** The pooled q-quantile both runs are counted against. */
  threshold: number;
  /** Values of each run in the tail: above the threshold (q ≥ 0.5), or at or below it (q < 0.5). */
  inTail: [baseline: number, candidate: number];
}

/**
 * Whether the candidate's q-quantile is above the baseline's: for an upper quantile, more of its
 * values above the pooled q-quantile; for a lower one, fewer of them at or below it. Undefined
 * when a run has too few values for its tail (expected count < MIN_TAIL_EXPECTED).
 */
export function quantileTest(candidate: Grouped, baseline: Grouped, q: number): QuantileTest | undefined {
  const share = q >= 0.5 ? 1 - q : q;
  if (Math.min(candidate.total, baseline.total) * share < MIN_TAIL_EXPECTED) return undefined;
  const threshold = quantile(mergeGrouped(candidate, baseline), q);
  const count = q >= 0.5 ? countAbove : countAtOrBelow;
  const b = count(baseline, threshold);
  const c = count(candidate, threshold);
  const t = twoProportions(b, baseline.total, c, candidate.total);
  // Fewer values in the lower tail is what a slower candidate shows there.
  return { ...(q >= 0.5 ? t : { pGreater: t.pLess, pLess: t.pGreater }), threshold, inTail: [b, c] };
}

function mergeGrouped(x: Grouped, y: Grouped): Grouped {
  const byValue = new Map<number, number>();
  for (const g of [x, y]) g.values.forEach((v, i) => byValue.set(v, (byValue.get(v) ?? 0) + (g.counts[i] as number)));
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return { values, counts: values.map((v) => byValue.get(v) as number), total: x.total + y.total };
}

/**
 * Holm's step-down adjusted p-values, in the order given: reject a hypothesis when its adjusted
 * p-value is below α and the probability of any false rejection stays ≤ α whatever the
 * dependence between the tests (the p50 and p99 of one action, actions sharing a run's load).
 */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}
