/**
 * What the report reads from histograms.hlog: per tag, each second's p50 and p99 (from that
 * second's interval histogram) and the run's whole histogram (the intervals added up, which is
 * exact: HDR histograms merge by addition, so the distribution is that of every sample).
 *
 * One pass over the log decodes each interval once. The intervals are read with hdr-histogram-js
 * directly: metrics/intervals.ts only exposes the merge over the whole log, and the report needs
 * the intervals one by one.
 */
import { build, HistogramLogReader, type Histogram } from 'hdr-histogram-js';
import { HIGHEST_TRACKABLE_US } from '../../metrics/histograms';
import { usToMs } from '../format';

export interface SecondPercentiles {
  /** ms, three decimals. */
  p50: number;
  p99: number;
  count: number;
}

export interface HlogSeries {
  /** Per tag, second since the run's epoch → that second's percentiles. */
  perSecond: Map<string, Map<number, SecondPercentiles>>;
  /** Per tag, every interval added up (µs values). */
  merged: Map<string, Histogram>;
}

/**
 * A percentile in µs, capped at the max as summary.json's are (HDR answers with the top of the
 * value's bucket, which can lie a hair above the largest value recorded).
 */
export function cappedPercentileUs(h: Histogram, percentile: number): number {
  return Math.min(h.getValueAtPercentile(percentile), h.maxValue);
}

/**
 * The log without the interval lines of tags not kept: decoding is most of the cost (a 1-hour run
 * of 10 actions holds 72,000 intervals, half of them service times the report does not draw).
 */
function onlyTags(text: string, keep: (tag: string) => boolean): string {
  return text
    .split('\n')
    .filter((line) => {
      if (!line.startsWith('Tag=')) return true;
      const comma = line.indexOf(',');
      return comma < 0 || keep(line.slice(4, comma));
    })
    .join('\n');
}

function newUsHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Sets one second's percentiles of a tag; two intervals of one second (a merged log): the larger sample wins. */
function putSecond(perSecond: Map<string, Map<number, SecondPercentiles>>, tag: string, second: number, h: Histogram): void {
  let seconds = perSecond.get(tag);
  if (seconds === undefined) perSecond.set(tag, (seconds = new Map()));
  const previous = seconds.get(second);
  // Their percentiles cannot be combined without the histograms, so the larger sample wins.
  if (previous !== undefined && previous.count >= h.totalCount) return;
  seconds.set(second, { p50: usToMs(cappedPercentileUs(h, 50)), p99: usToMs(cappedPercentileUs(h, 99)), count: h.totalCount });
}

/**
 * Several tags added into one series second by second (the groups of one OCPP version): the log
 * holds a second's intervals together, so one histogram per series is open at a time, closed when
 * a later second starts.
 */
class Combined {
  private readonly open = new Map<string, { second: number; h: Histogram }>();

  constructor(private readonly perSecond: Map<string, Map<number, SecondPercentiles>>) {}

  add(key: string, second: number, h: Histogram): void {
    let current = this.open.get(key);
    if (current !== undefined && current.second !== second) {
      putSecond(this.perSecond, key, current.second, current.h);
      current.h.reset();
      current.second = second;
    }
    if (current === undefined) this.open.set(key, (current = { second, h: newUsHistogram() }));
    current.h.add(h);
  }

  close(): void {
    for (const [key, { second, h }] of this.open) putSecond(this.perSecond, key, second, h);
    this.open.clear();
  }
}

/**
 * `epochMs`: the run's start (summary.startedAt), the zero of timeseries.csv's seconds. Interval
 * timestamps are placed against it whether the log wrote them relative to its StartTime (ours) or
 * absolute (other tools), so the per-second series line up with the time series.
 * `keep(tag)` chooses the tags to read; the others are skipped before decoding. `combine(tag)`
 * names a series that the tag's intervals are added into, per second (e.g. its group's OCPP
 * version); such a series has per-second figures only.
 */
export function readHlogSeries(text: string, epochMs: number, keep: (tag: string) => boolean, combine?: (tag: string) => string | undefined): HlogSeries {
  const perSecond = new Map<string, Map<number, SecondPercentiles>>();
  const merged = new Map<string, Histogram>();
  const combined = new Combined(perSecond);
  const reader = new HistogramLogReader(onlyTags(text, keep));
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    const tag = h.tag;
    if (!keep(tag)) continue;
    let total = merged.get(tag);
    if (total === undefined) {
      total = newUsHistogram();
      total.tag = tag;
      merged.set(tag, total);
    }
    total.add(h);
    if (h.totalCount === 0) continue;
    const second = Math.round((h.startTimeStampMsec - epochMs) / 1000);
    putSecond(perSecond, tag, second, h);
    const into = combine?.(tag);
    if (into !== undefined) combined.add(into, second, h);
  }
  combined.close();
  return { perSecond, merged };
}

export interface PercentileDistribution {
  /** 1 / (1 − p): 1 is the minimum (p = 0), 10 is p90, 100 is p99, 1000 is p99.9. */
  x: number[];
  /** Per tag, the latency in ms at each x; null past the point where that tag's samples run out. */
  series: Map<string, (number | null)[]>;
}

const POINTS_PER_DECADE = 10;
const MAX_DECADES = 6;

/**
 * The HdrHistogram percentile plot: latency against 1/(1−p) on log axes, so the tail (p99, p99.9,
 * p99.99) gets as much room as the body. One x grid for all tags so they share one chart: ten
 * points a decade up to the decade that holds the largest sample count (at most 1/(1−p) = 10^6).
 * A tag's line ends at the first x at or beyond its own count, with its max there: with n
 * samples, nothing above percentile 1 − 1/n is distinct from the max.
 */
export function percentileDistribution(histograms: ReadonlyMap<string, Histogram>): PercentileDistribution {
  let largest = 1;
  for (const h of histograms.values()) largest = Math.max(largest, h.totalCount);
  const decades = Math.min(MAX_DECADES, Math.max(1, Math.ceil(Math.log10(largest))));
  const x: number[] = [];
  for (let i = 0; i <= decades * POINTS_PER_DECADE; i++) {
    x.push(Number((10 ** (i / POINTS_PER_DECADE)).toPrecision(6)));
  }
  const series = new Map<string, (number | null)[]>();
  for (const [tag, h] of histograms) {
    const n = h.totalCount;
    let ended = n === 0;
    series.set(tag, x.map((xi) => {
      if (ended) return null;
      if (xi >= n) {
        ended = true;
        return usToMs(h.maxValue);
      }
      return usToMs(cappedPercentileUs(h, 100 * (1 - 1 / xi)));
    }));
  }
  return { x, series };
}
