/**
 * The two tests `compare` uses to tell a change from run-to-run noise. Both are one-sided: they
 * ask "is the candidate worse (or better) than the baseline", never merely "different".
 *
 * - Mann-Whitney U (Wilcoxon rank-sum) on per-second values, e.g. the p99 of each second of each
 *   run. It assumes nothing about the shape of the distribution (latency percentiles are skewed and
 *   heavy-tailed, so a t-test would not do) and a single slow second moves it by one rank only.
 *   Normal approximation with tie correction and continuity correction: with at least five
 *   seconds a run, which compare requires, it is within a few tenths of a percentage point of the
 *   exact distribution.
 * - A two-proportion z-test (pooled) on failure counts, for error rates.
 */

/** P(Z > z) for a standard normal Z. */
export function upperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The complementary error function, by a Chebyshev fit of exp(z²)·erfc(z) that keeps a relative
 * error under 1.2e-7 over the whole line; relative, so tail probabilities of 1e-6 are still right
 * to several digits (an absolute-error approximation would not be).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const poly = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
  let acc = 0;
  for (let i = poly.length - 1; i >= 1; i--) acc = t * ((poly[i] as number) + acc);
  const r = t * Math.exp(-z * z + (poly[0] as number) + acc);
  return x >= 0 ? r : 2 - r;
}

export interface RankTest {
  /** Pairs (candidate value, baseline value) where the candidate is larger, ties counting half. */
  u: number;
  z: number;
  /** One-sided p-value that the candidate's values are stochastically greater. */
  pGreater: number;
  /** One-sided p-value that the candidate's values are stochastically smaller. */
  pLess: number;
}

/** Mann-Whitney U of `candidate` against `baseline`. */
export function mannWhitney(candidate: readonly number[], baseline: readonly number[]): RankTest {
  const n1 = candidate.length;
  const n2 = baseline.length;
  const all = [...candidate.map((v) => ({ v, c: true })), ...baseline.map((v) => ({ v, c: false }))].sort((a, b) => a.v - b.v);
  const n = all.length;
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    // Ranks i+1 … j+1 are tied: each gets their average.
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if ((all[k] as { c: boolean }).c) rankSum += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = n < 2 ? 0 : ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pGreater: 1, pLess: 1 };
  const sd = Math.sqrt(variance);
  const z = (u - mean) / sd;
  return {
    u,
    z,
    pGreater: upperTail((u - mean - 0.5) / sd),
    pLess: upperTail((mean - u - 0.5) / sd),
  };
}

/**
 * One-sided p-values that the candidate's failure rate (x2 of n2) is above, or below, the
 * baseline's (x1 of n1). With no failure on either side there is nothing to test: both are 1.
 */
export function twoProportions(x1: number, n1: number, x2: number, n2: number): { pGreater: number; pLess: number } {
  if (n1 === 0 || n2 === 0) return { pGreater: 1, pLess: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { pGreater: 1, pLess: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { pGreater: upperTail(z), pLess: upperTail(-z) };
}
