/**
 * Turning µs histograms into the ms figures users read. Histograms hold whole µs, so ms with
 * three decimals is exact: no rounding beyond what HDR precision already implies.
 */
import { meanOf } from '../metrics/histogram-scan';
import type { Histogram } from '../metrics/intervals';

export interface LatencyMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface DelayMs {
  p50: number;
  p99: number;
  max: number;
}

export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

/** All zeros for an empty histogram, so the fields keep one type (a number) in every summary. */
/**
 * A percentile in ms. HDR answers with the highest value equivalent to the bucket, which can lie a
 * hair above the largest value recorded; a percentile above the max reads as a bug, so it is capped.
 */
function percentileMs(h: Histogram, p: number): number {
  return usToMs(Math.min(h.getValueAtPercentile(p), h.maxValue));
}

export function latencyMs(h: Histogram): LatencyMs {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    // Percentile 0 is the lowest recorded value, zero included (minNonZeroValue would skip it).
    min: percentileMs(h, 0),
    mean: usToMs(meanOf(h)),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p99: percentileMs(h, 99),
    p999: percentileMs(h, 99.9),
    max: usToMs(h.maxValue),
  };
}

export function delayMs(h: Histogram): DelayMs {
  if (h.totalCount === 0) return { p50: 0, p99: 0, max: 0 };
  return { p50: percentileMs(h, 50), p99: percentileMs(h, 99), max: usToMs(h.maxValue) };
}
