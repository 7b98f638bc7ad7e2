/**
 * The trend of a soak's samples: the least-squares line through (minute, KB), the standard error
 * of its slope, and a verdict on whether the slope stands out of the scatter.
 *
 * By hand rather than a statistics package: it is a dozen lines, and bench.test.ts checks it on
 * data whose line is known exactly.
 */
import { sig } from './stats';

export interface Trend {
  /** Samples in the fit. */
  readonly n: number;
  /** Units of y per unit of x (here KB per minute). */
  readonly slope: number;
  readonly intercept: number;
  /** Standard error of the slope: how far it could move with another draw of the same scatter. */
  readonly slopeSe: number;
  /** Half-width of the slope's 95 % confidence interval (Student's t with n − 2 degrees of freedom). */
  readonly ci95: number;
  /** Standard deviation of the residuals around the line: the noise, in units of y. */
  readonly residualSd: number;
}

/** Two-sided 95 % quantiles of Student's t for 1–30 degrees of freedom (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08,
  2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df); above 30 degrees of freedom the Cornish–Fisher expansion (error < 0.001). */
export function t975(df: number): number {
  if (!(df >= 1)) return Number.POSITIVE_INFINITY;
  const d = Math.floor(df);
  if (d <= T975.length) return T975[d - 1] as number;
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d);
}

export function linearTrend(xs: readonly number[], ys: readonly number[]): Trend {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return { n, slope: Number.NaN, intercept: Number.NaN, slopeSe: Number.NaN, ci95: Number.POSITIVE_INFINITY, residualSd: Number.NaN };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - my);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = (ys[i] as number) - (intercept + slope * (xs[i] as number));
    sse += r * r;
  }
  // n − 2 degrees of freedom: two parameters were fitted.
  const residualSd = n > 2 ? Math.sqrt(sse / (n - 2)) : Number.NaN;
  const slopeSe = n > 2 && sxx > 0 ? residualSd / Math.sqrt(sxx) : Number.NaN;
  const ci95 = n > 2 ? t975(n - 2) * slopeSe : Number.POSITIVE_INFINITY;
  return { n, slope, intercept, slopeSe, ci95, residualSd };
}

export interface TrendVerdict {
  readonly verdict: 'flat' | 'settling' | 'growing';
  /** Why, in words, with the figures. */
  readonly why: string;
}

/**
 * Growing when both: the slope's 95 % confidence interval lies wholly above zero (the rise is
 * more than the scatter explains), and the slope exceeds `floorPerMin` (it matters: the floor is
 * chosen per station and hour by the caller). Otherwise flat, and the reason says which test held,
 * with the upper bound of the interval: the largest growth the data leave possible.
 */
export function judgeTrend(t: Trend, floorPerMin: number, unit = 'KB/min'): TrendVerdict {
  const lo = t.slope - t.ci95;
  const hi = t.slope + t.ci95;
  const f = (x: number): string => `${x >= 0 ? '+' : ''}${sig(x, 3)}`;
  if (!Number.isFinite(t.slope) || !Number.isFinite(t.ci95)) return { verdict: 'flat', why: `too few samples to tell (${t.n})` };
  if (lo <= 0) return { verdict: 'flat', why: `within the noise: the 95 % interval ${f(lo)} … ${f(hi)} ${unit} contains 0` };
  if (t.slope <= floorPerMin) {
    return { verdict: 'flat', why: `a rise of ${f(t.slope)} ${unit} (95 % interval ${f(lo)} … ${f(hi)}) is below the floor of ${sig(floorPerMin, 3)} ${unit}` };
  }
  return { verdict: 'growing', why: `${f(t.slope)} ${unit}, 95 % interval ${f(lo)} … ${f(hi)}: above 0 and above the floor of ${sig(floorPerMin, 3)} ${unit}` };
}

/**
 * A soak's verdict: judgeTrend over the whole steady window, and when that says growing, the two
 * halves compared. A leak keeps its slope; a warm-up (code being optimised, V8's heaps, caches and
 * per-connector state reaching their size) loses it. `settling` = the second half's slope is
 * below the first half's beyond both intervals; its upper bound is then the most a leak could be.
 */
export function judgeSoak(whole: Trend, firstHalf: Trend, secondHalf: Trend, floorPerMin: number, unit = 'KB/min'): TrendVerdict {
  const base = judgeTrend(whole, floorPerMin, unit);
  if (base.verdict !== 'growing') return base;
  const f = (x: number): string => `${x >= 0 ? '+' : ''}${sig(x, 3)}`;
  if (secondHalf.slope + secondHalf.ci95 < firstHalf.slope - firstHalf.ci95) {
    return {
      verdict: 'settling',
      why:
        `${base.why}; but slowing down: first half ${f(firstHalf.slope)} ± ${sig(firstHalf.ci95, 3)}, second half ${f(secondHalf.slope)} ± ${sig(secondHalf.ci95, 3)} ${unit}, ` +
        `so a warm-up; a leak, if any, is at most ${f(secondHalf.slope + secondHalf.ci95)} ${unit}`,
    };
  }
  return base;
}
