/**
 * Whether two stretches of a series differ: Student's two-sample t-test (pooled variance,
 * two-sided), as Hunter judges the splits E-divisive proposes. It works with the handful of
 * points a nightly history has (a stretch of one run included: the other stretch's variance then
 * stands for both), which a permutation test cannot: with 8 runs there are too few orderings to
 * reach a small p-value.
 */
import { jStat } from 'jstat';

export interface SegmentComparison {
  readonly meanBefore: number;
  readonly meanAfter: number;
  /** Two-sided p-value that both stretches have the same mean (1 when it cannot be told). */
  readonly pValue: number;
}

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sum of squared deviations from the mean. */
function squares(xs: readonly number[], m: number): number {
  let sum = 0;
  for (const x of xs) sum += (x - m) * (x - m);
  return sum;
}

/**
 * `minVariance`: the least variance either stretch is taken to have, for figures measured in steps
 * (a time sampled every 200 ms, CPU seconds to a tenth): seven nights of exactly 600 ms and one of
 * 800 ms are one step apart, not an infinitely certain change.
 */
export function compareSegments(before: readonly number[], after: readonly number[], minVariance = 0): SegmentComparison {
  if (before.length === 0 || after.length === 0) throw new RangeError('a stretch of a series is empty');
  const meanBefore = mean(before);
  const meanAfter = mean(after);
  const dof = before.length + after.length - 2;
  if (dof < 1) return { meanBefore, meanAfter, pValue: 1 };
  const pooled = Math.max(minVariance, (squares(before, meanBefore) + squares(after, meanAfter)) / dof);
  const diff = meanAfter - meanBefore;
  // Two flat stretches: a difference of any size is certain, none is none.
  if (pooled === 0) return { meanBefore, meanAfter, pValue: diff === 0 ? 1 : 0 };
  const t = diff / Math.sqrt(pooled * (1 / before.length + 1 / after.length));
  // The lower tail of −|t|: computed directly, it keeps its precision far below 1e-16.
  const pValue = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), dof));
  return { meanBefore, meanAfter, pValue };
}

/**
 * How large a change is, relative, in whichever direction is larger (Hunter's magnitude): 0 → 5
 * and 5 → 0 are infinite, 0 → 0 is none.
 */
export function changeMagnitude(before: number, after: number): number {
  if (before === after) return 0;
  if (before === 0 || after === 0) return Number.POSITIVE_INFINITY;
  return Math.max(Math.abs(after / before - 1), Math.abs(before / after - 1));
}
