/**
 * Which noise test a compared figure gets, and on what data:
 *
 * - per second, when both runs have at least MIN_SECONDS seconds with samples of it: a rank test
 *   on the per-second p50 / p99 / max. A run's own seconds differ as the machine's load comes and
 *   goes, so this is the more honest unit where there are enough of them;
 * - the whole run otherwise (boots, connects, storms, actions a few stations send now and then),
 *   from histograms-total.hlog: p50 by a rank test on every recorded value; p1 and p99 by a
 *   quantile test (fewer of the candidate's values at or below the pooled 1st percentile, more
 *   above the pooled 99th), when each run has at least 500 values (five expected in the tail); a
 *   maximum is one value a run, and is not tested;
 * - error rates by a two-proportion test on the calls; the time to all booted by a rank test on
 *   every station's time to boot accepted (the figure is one value a run, the boots behind it are
 *   its distribution).
 */
import type { PerSecond } from './compare-hlog';
import { grouped, MIN_TAIL_EXPECTED, quantileTest, rankTest, twoProportions, type OneSided } from './compare-stats';
import type { WholeRun } from './compare-totals';

/**
 * Seconds each run needs for the per-second test. With Holm's correction over ~40 figures a test
 * must reach p ≈ 0.01 / 40: at 5 seconds against 5 even a complete separation gives only
 * p = 0.004, at 10 against 10 it gives 9e-5.
 */
export const MIN_SECONDS = 10;

export type TestBasis = 'seconds' | 'calls' | 'boots';

export interface FigureTest {
  /** One-sided p-values; absent when no test could be made (then `reason` says why). */
  result?: OneSided;
  basis?: TestBasis;
  /** Seconds, calls or boots each side's test rested on. */
  samples?: [number, number];
  /** Whether the values came in a burst: in fewer than half the run's seconds (a storm; compare-floors.ts). */
  burst?: boolean;
  /** For the quantile test: the pooled quantile and how many values of each run lie in its tail. */
  tail?: { threshold: number; inTail: [number, number] };
  reason?: string;
}

export interface TestData {
  perSecond: PerSecond | undefined;
  wholeRun?: WholeRun | undefined;
  /** The run's length: how many seconds its values could have fallen in. */
  summary?: { durationMs: number };
}

/**
 * Whether `tag`'s values came in a burst, in both runs: half of them or more in the busiest
 * quarter of the run's seconds (boots, the status notifications after them, a replay), unlike an
 * action spread over a run too short for the per-second test. Unknown (no per-second values): not
 * a burst.
 */
function burstOf(tag: string, base: TestData, cand: TestData): boolean {
  const inBurst = (run: TestData): boolean => {
    const counts = run.perSecond?.get(tag)?.counts;
    const runSeconds = Math.floor((run.summary?.durationMs ?? 0) / 1000);
    if (counts === undefined || counts.length === 0 || runSeconds < 1) return false;
    const busiest = [...counts].sort((a, b) => b - a).slice(0, Math.ceil(runSeconds / 4));
    return 2 * busiest.reduce((t, n) => t + n, 0) >= counts.reduce((t, n) => t + n, 0);
  };
  return inBurst(base) && inBurst(cand);
}

export function latencyTest(metric: 'p1' | 'p50' | 'p99' | 'max', tag: string, base: TestData, cand: TestData): FigureTest {
  const b = base.perSecond?.get(tag)?.[metric] ?? [];
  const c = cand.perSecond?.get(tag)?.[metric] ?? [];
  if (b.length >= MIN_SECONDS && c.length >= MIN_SECONDS) {
    return { result: rankTest(grouped(c), grouped(b)), basis: 'seconds', samples: [b.length, c.length] };
  }
  const seconds = `${b.length} vs ${c.length} seconds with samples`;
  const wb = base.wholeRun?.get(tag);
  const wc = cand.wholeRun?.get(tag);
  if (wb === undefined || wc === undefined) return { reason: `too few seconds with samples to tell from noise (${seconds}) and no whole-run histograms`, samples: [b.length, c.length] };
  const samples: [number, number] = [wb.total, wc.total];
  const burst = burstOf(tag, base, cand);
  if (metric === 'p50') return { result: rankTest(wc, wb), basis: 'calls', samples, burst };
  if (metric === 'max') return { reason: `a run's maximum is a single value, and too few seconds to test it (${seconds})`, basis: 'calls', samples, burst };
  const level = metric === 'p1' ? 0.01 : 0.99;
  const q = quantileTest(wc, wb, level);
  if (q === undefined) {
    const needed = Math.ceil(MIN_TAIL_EXPECTED / 0.01);
    return { reason: `too few values to test a ${metric === 'p1' ? '1st' : '99th'} percentile (${wb.total} vs ${wc.total} calls; ${needed} a run needed) and ${seconds}`, basis: 'calls', samples, burst };
  }
  return { result: q, basis: 'calls', samples, burst, tail: { threshold: q.threshold, inTail: q.inTail } };
}

export function errorTest(old: { sent: number; failed: number }, now: { sent: number; failed: number }): FigureTest {
  const samples: [number, number] = [old.sent, now.sent];
  // No failure on either side: nothing to test, and no test to count in the correction.
  if (old.failed === 0 && now.failed === 0) return { reason: 'no failures', basis: 'calls', samples };
  return { result: twoProportions(old.failed, old.sent, now.failed, now.sent), basis: 'calls', samples };
}

export function bootTimeTest(base: TestData, cand: TestData): FigureTest {
  const b = base.wholeRun?.get('boot');
  const c = cand.wholeRun?.get('boot');
  if (b === undefined || c === undefined) return { reason: 'one value a run, and no whole-run histogram of the boots behind it' };
  return { result: rankTest(c, b), basis: 'boots', samples: [b.total, c.total] };
}
